"""What the incident pages show, gathered in a fixed number of queries.

The incident page must cost the same number of SQL queries for 10 timeline
entries as for 2,000, so everything it shows is loaded here, one query per
kind of row (relationships are eager), and nothing is left for the template
to lazy-load. Its time must not grow much either, so it shows the newest
part of a long timeline and links to a page holding all of it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from postmortem.domain import (
    actions,
    cache,
    components,
    events,
    impact,
    incidents,
    page_state,  # noqa: F401 (registers the hook dating what the page shows)
    timeline,
    updates,
)
from postmortem.domain.errors import ValidationError
from postmortem.domain.vocabulary import label
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    Component,
    ImpactSample,
    Incident,
    StatusUpdate,
    TimelineEvent,
)
from postmortem.models.types import utcnow

# The incident page shows the newest entries of the timeline and the newest
# status updates; all of a 2,000-entry timeline has its own page, so the
# incident page costs about the same at any size.
TIMELINE_WINDOW = 200
UPDATES_SHOWN = 50

# (milestone, label, its key in incidents.durations)
FIGURES = (
    ("started_at", "Impact began", None),
    ("detected_at", "Detected", "to_detect"),
    ("acknowledged_at", "Acknowledged", "to_acknowledge"),
    ("mitigated_at", "Mitigated", "to_mitigate"),
    ("resolved_at", "Resolved", "to_resolve"),
)
FIELD_LABELS = {
    "title": "Title", "summary": "Summary", "severity": "Severity",
    "impact": "Impact", "status": "Status", "detection_source": "Detection source",
    "is_public": "Public", "commander": "Commander",
    "started_at": "Started at", "detected_at": "Detected at",
    "acknowledged_at": "Acknowledged at", "mitigated_at": "Mitigated at",
    "resolved_at": "Resolved at", "components": "Affected components",
    "regions": "Regions", "platforms": "Platforms",
    "customer_tiers": "Customer tiers", "tags": "Tags",
    "users_affected": "Users affected",
    "percent_users_affected": "% of users affected",
    "peak_user_reports": "Peak user reports",
}


@dataclass(frozen=True)
class Figure:
    """One milestone and the time it took to reach it from the start."""

    milestone: str
    label: str
    at: datetime | None
    seconds: int | None


@dataclass(frozen=True)
class ListRow:
    incident: Incident
    duration: int | None
    ongoing: bool


@dataclass(frozen=True)
class IncidentPage:
    incident: Incident
    summary_html: Markup
    figures: list[Figure]
    elapsed: int
    updates: list[StatusUpdate]
    update_total: int
    timeline: list[timeline.Entry]
    timeline_total: int
    chart: Markup
    sample_count: int
    action_items: list[ActionItem]
    components: list[Component]


@dataclass(frozen=True)
class Difference:
    """A field where what someone typed differs from what is stored now."""

    name: str
    label: str
    stored: str
    typed: str


def figures(incident: Incident) -> list[Figure]:
    seconds = incidents.durations(incident)
    return [Figure(name, text, getattr(incident, name),
                   seconds[key] if key else None)
            for name, text, key in FIGURES]


def elapsed(incident: Incident, now: datetime | None = None) -> int:
    """Seconds of impact so far: the total once resolved, else until now."""
    end = incident.resolved_at or now or utcnow()
    return max(0, int((end - incident.started_at).total_seconds()))


def _newest(model, at, incident: Incident, limit: int) -> tuple[list, int]:
    """The newest `limit` rows of `model` for the incident, newest first, and
    how many there are in all."""
    total = db.session.scalar(
        sa.select(sa.func.count(model.id)).where(model.incident_id == incident.id))
    rows = db.session.scalars(
        sa.select(model).where(model.incident_id == incident.id)
        .order_by(at.desc(), model.id.desc()).limit(limit))
    return list(rows), total or 0


def build(incident: Incident) -> IncidentPage:
    """Everything the incident page shows, one query per kind of row.

    The newest TIMELINE_WINDOW entries of the merged timeline can only hold
    events and updates among the newest TIMELINE_WINDOW of each, so only
    those are loaded, however long the incident ran.
    """
    event_list, event_total = _newest(TimelineEvent, TimelineEvent.occurred_at,
                                      incident, TIMELINE_WINDOW)
    update_list, update_total = _newest(StatusUpdate, StatusUpdate.posted_at,
                                        incident, TIMELINE_WINDOW)
    merged = timeline.merge(incident, event_list, update_list)
    samples = impact.for_incident(incident)
    return IncidentPage(
        incident=incident,
        summary_html=timeline.sanitised(incident.summary_html),
        figures=figures(incident),
        elapsed=elapsed(incident),
        updates=update_list[:UPDATES_SHOWN],
        update_total=update_total,
        timeline=merged[-TIMELINE_WINDOW:],
        timeline_total=(len(merged) - len(event_list) - len(update_list)
                        + event_total + update_total),
        chart=cache.impact_chart(samples, incident),
        sample_count=len(samples),
        action_items=actions.for_incident(incident),
        components=components.list_components(),
    )


def full_timeline(incident: Incident) -> list[timeline.Entry]:
    """Every entry of the timeline, oldest first, for its own page."""
    return timeline.merge(incident, events.for_incident(incident),
                          updates.for_incident(incident))


def list_rows(items: list[Incident], now: datetime | None = None) -> list[ListRow]:
    """Rows of the incidents list: each incident with its duration so far."""
    now = now or utcnow()
    return [ListRow(incident, elapsed(incident, now), not incident.is_resolved)
            for incident in items]


def today() -> date:
    return utcnow().date()


def form_values(incident: Incident) -> dict[str, Any]:
    """The incident as the edit form's fields hold it."""
    values: dict[str, Any] = {name: getattr(incident, name)
                              for name in incidents.SCALAR_FIELDS}
    for field in incidents.LABEL_FIELDS:
        values[field] = ", ".join(getattr(incident, field))
    values["commander"] = incident.commander.email if incident.commander else ""
    values["detection_source"] = incident.detection_source or ""
    values["version"] = str(incident.version)
    values["components"] = {a.component_id: a.status for a in incident.affected}
    return values


def _stored(incident: Incident) -> dict[str, Any]:
    stored = {name: getattr(incident, name) for name in incidents.SCALAR_FIELDS}
    stored.update({field: getattr(incident, field) for field in incidents.LABEL_FIELDS})
    stored["commander"] = incident.commander.email if incident.commander else None
    stored["components"] = {a.component.slug: a.status for a in incident.affected}
    return stored


def display(value: Any) -> str:
    """A stored or typed value as text, the same way for both."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, dict):
        return ", ".join(f"{slug}: {label(status)}"
                         for slug, status in sorted(value.items()))
    return str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        # The form holds whole seconds; microseconds stored by the API are
        # not an edit.
        return value.replace(microsecond=0)
    if isinstance(value, list):
        return sorted(value)
    if value in ("", [], {}):
        return None
    return value


def differences(incident: Incident, data: dict[str, Any]) -> list[Difference]:
    """The fields where an edit refused as stale differs from what is stored now,
    so the person can reconcile before saving again."""
    try:
        # The same cleaning the edit went through, so equal values compare equal.
        typed = incidents._clean(data, partial=True)
    except ValidationError:
        return []
    stored = _stored(incident)
    rows = []
    for name, text in FIELD_LABELS.items():
        if name not in typed:
            continue
        new, old = typed[name], stored.get(name)
        if _comparable(new) != _comparable(old):
            rows.append(Difference(name, text, display(old), display(new)))
    return rows


def sample_default(incident: Incident) -> datetime:
    """Where a new sample's time starts: within the incident's own window
    (its resolution, or for a write-up after the fact its last known moment),
    not today."""
    now = utcnow().replace(second=0, microsecond=0)
    if incident.resolved_at is not None:
        return min(incident.resolved_at, now)
    if now - incident.started_at > incidents.LIVE_WINDOW:
        known = [t for t in (incident.mitigated_at, incident.acknowledged_at,
                             incident.detected_at) if t is not None]
        return max([incident.started_at, *known])
    return now


def stamp(incident: Incident) -> str:
    """A value that changes whenever anything the incident page shows does:
    the open page polls it to know when to refresh (one query)."""
    parts = [
        sa.select(aggregate(model.id)).where(model.incident_id == incident.id)
        .scalar_subquery()
        for model in (StatusUpdate, TimelineEvent, ImpactSample, ActionItem)
        for aggregate in (sa.func.count, sa.func.max)
    ]
    edits = [
        sa.select(sa.func.max(StatusUpdate.updated_at))
        .where(StatusUpdate.incident_id == incident.id).scalar_subquery(),
        sa.select(sa.func.max(ActionItem.updated_at))
        .where(ActionItem.incident_id == incident.id).scalar_subquery(),
        sa.select(sa.func.sum(sa.case((TimelineEvent.key, 1), else_=0))
                  + sa.func.sum(sa.func.length(TimelineEvent.text)))
        .where(TimelineEvent.incident_id == incident.id).scalar_subquery(),
        sa.select(sa.func.sum(ImpactSample.value))
        .where(ImpactSample.incident_id == incident.id).scalar_subquery(),
        sa.select(Incident.version).where(Incident.id == incident.id)
        .scalar_subquery(),
    ]
    row = db.session.execute(sa.select(*parts, *edits)).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:16]
