"""Declaring, editing, finding and measuring incidents."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain import audit, components, members, milestones, visibility
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
from postmortem.domain.versioning import require_version, save
from postmortem.domain.vocabulary import (
    COMPONENT_STATUSES,
    DETECTION_SOURCES,
    IMPACTS,
    INCIDENT_STATUSES,
    SEVERITIES,
)
from postmortem.extensions import db
from postmortem.models import (
    AffectedComponent,
    Component,
    Incident,
    IncidentLabel,
    User,
)
from postmortem.models.incident import MILESTONES
from postmortem.models.types import known_id, utcnow

LABEL_FIELDS = {"regions": "region", "platforms": "platform",
                "customer_tiers": "customer_tier", "tags": "tag"}
SCALAR_FIELDS = (
    "title", "summary", "severity", "impact", "status", "detection_source",
    "is_public", "users_affected", "percent_users_affected", "peak_user_reports",
    *MILESTONES,
)
DEFAULT_AFFECTED_STATUS = "partial_outage"


def _clean(data: Any, partial: bool) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.text("title", 200, required=True)
    fields.markdown("summary", 20_000)
    fields.choice("severity", SEVERITIES, default="SEV3")
    fields.choice("impact", IMPACTS, default="minor")
    fields.choice("status", INCIDENT_STATUSES, default="investigating")
    fields.choice("detection_source", DETECTION_SOURCES, default=None)
    fields.flag("is_public", default=True)
    fields.number("users_affected", minimum=0, maximum=10**12, integer=True)
    fields.number("percent_users_affected", minimum=0, maximum=100)
    fields.number("peak_user_reports", minimum=0, maximum=10**9, integer=True)
    fields.time("started_at", default=utcnow())
    for name in MILESTONES[1:]:
        fields.time(name)
    milestones.check_not_future(fields, *MILESTONES)
    for name in LABEL_FIELDS:
        fields.strings(name)
    fields.text("commander", 254, default=None)
    if "components" in fields.data or not partial:
        fields.values["components"] = _clean_components(
            fields, fields.data.get("components") or [])
    return fields.result()


def _clean_components(fields: Fields, raw: Any) -> dict[str, str]:
    """{slug: status} from a list of slugs or of {slug, status} objects."""
    if not isinstance(raw, list):
        fields.error("components", "must be a list of component slugs or objects")
        return {}
    out: dict[str, str] = {}
    for item in raw:
        if isinstance(item, str):
            out[item] = DEFAULT_AFFECTED_STATUS
        elif isinstance(item, dict) and isinstance(item.get("slug"), str):
            status = item.get("status") or DEFAULT_AFFECTED_STATUS
            if status not in COMPONENT_STATUSES:
                fields.error("components", "status must be one of: "
                             + ", ".join(COMPONENT_STATUSES))
            out[item["slug"]] = status
        else:
            fields.error("components", "must be a list of component slugs or objects")
    return out


def _commander(email: str | None) -> User | None:
    if not email:
        return None
    user = db.session.scalar(sa.select(User).where(User.email == email.lower()))
    if user is None:
        raise ValidationError({"commander": "no user with this email"})
    return user


def _set_labels(incident: Incident, values: dict[str, Any]) -> None:
    for field, kind in LABEL_FIELDS.items():
        if field not in values:
            continue
        wanted = values[field]
        keep = [lb for lb in incident.labels if lb.kind != kind or lb.value in wanted]
        have = {lb.value for lb in keep if lb.kind == kind}
        keep += [IncidentLabel(kind=kind, value=v) for v in wanted if v not in have]
        incident.labels = keep


def set_affected(incident: Incident, wanted: dict[str, Component | str],
                 statuses: dict[str, str], replace: bool) -> None:
    """Add or restatus affected components; with `replace`, drop the rest."""
    by_slug = {a.component.slug: a for a in incident.affected}
    for slug, component in wanted.items():
        row = by_slug.get(slug)
        if row is None:
            row = AffectedComponent(component=component, status=statuses[slug],
                                    started_at=incident.started_at)
            incident.affected.append(row)
        else:
            row.status = statuses[slug]
    if replace:
        incident.affected = [a for a in incident.affected
                             if a.component.slug in wanted]


# Declared within this long of the impact's start, the incident is being
# logged live: declaring is detecting. Further back, it is a write-up after
# the fact, and the best guess for detection is the start of the impact.
LIVE_WINDOW = timedelta(hours=12)


def _default_detection(values: dict[str, Any]) -> None:
    if values.get("detected_at") is not None:
        return
    # Whole seconds, as forms offer them: an update posted in the same second
    # must not come before detection.
    now = utcnow().replace(microsecond=0)
    if now - values["started_at"] > LIVE_WINDOW:
        values["detected_at"] = values["started_at"]
        return
    latest = min(now, values.get("resolved_at") or now)
    values["detected_at"] = max(values["started_at"], latest)


def _add_new_component(data: Any, actor: User) -> Any:
    """A component named on the declare form but not yet known is created and
    marked affected. The caller checks the actor may create components."""
    if not isinstance(data, dict) or not data.get("new_component"):
        return data
    data = dict(data)
    try:
        component = components.create_component({"name": data.pop("new_component")},
                                                 actor)
    except ValidationError as exc:
        raise ValidationError({"new_component": " ".join(exc.fields.values())
                               or exc.message}) from None
    data["components"] = [*(data.get("components") or []), component.slug]
    return data


def declare(data: Any, actor: User) -> Incident:
    """Open a new incident from raw input."""
    values = _clean(_add_new_component(data, actor), partial=False)
    _default_detection(values)
    if values["status"] == "resolved" and values.get("resolved_at") is None:
        values["resolved_at"] = values["detected_at"]
    milestones.check(values)
    _match_resolution(values["status"], values.get("resolved_at"), None)
    found = components.by_slugs(list(values["components"]), "components")
    incident = Incident(**{k: values[k] for k in SCALAR_FIELDS if k in values})
    incident.summary_html = render_markdown(incident.summary or "")
    incident.commander = _commander(values.get("commander"))
    _set_labels(incident, values)
    db.session.add(incident)
    members.keep_author(incident, actor)
    set_affected(incident, found, values["components"], replace=True)
    db.session.flush()
    audit.record(actor, "incident.declare", incident, {
        "title": incident.title, "severity": incident.severity})
    return incident


def update(incident: Incident, data: Any, actor: User) -> Incident:
    """Apply an edit that names the version it was based on."""
    values = _clean(data, partial=True)
    require_version(incident, data, "incident")
    milestones.check({name: values.get(name, getattr(incident, name))
                      for name in MILESTONES})
    _resolution(incident, values)
    changes = audit.diff(incident, {k: v for k, v in values.items()
                                    if k in SCALAR_FIELDS})
    changes |= _scope_changes(incident, values)
    if incident.resolved_at is not None and values.get("resolved_at", 0) is None:
        milestones.reopen_windows(incident, incident.resolved_at)
    _apply(incident, values)
    if incident.resolved_at:
        milestones.close_windows(incident, incident.resolved_at)
    members.keep_author(incident, actor)
    save(incident)
    audit.record(actor, "incident.update", incident, changes)
    return incident


def _resolution(incident: Incident, values: dict[str, Any]) -> None:
    """The resolution time an edit implies. Resolving without a time takes
    the time of the last status update, or now for an incident being logged
    live; a write-up after the fact must say when, never get today's date."""
    status = values.get("status", incident.status)
    if status != "resolved":
        _match_resolution(status, values.get("resolved_at"), incident.resolved_at)
        values["resolved_at"] = None
        return
    if values.get("resolved_at", incident.resolved_at) is not None:
        return
    last = milestones.last_update_time(incident)
    if last is not None and last >= incident.started_at:
        values["resolved_at"] = last
    elif utcnow() - incident.started_at <= LIVE_WINDOW:
        values["resolved_at"] = utcnow().replace(microsecond=0)
    else:
        raise ValidationError({"resolved_at": "is needed to resolve an incident "
                                              "logged after the fact: when was it "
                                              "resolved?"})


def _apply(incident: Incident, values: dict[str, Any]) -> None:
    # Labels and components live in other tables: touching the row bumps
    # `version` (once) even when only they change, so stale copies are refused.
    incident.updated_at = utcnow()
    for name in SCALAR_FIELDS:
        if name in values:
            setattr(incident, name, values[name])
    if "summary" in values:
        incident.summary_html = render_markdown(incident.summary)
    if "commander" in values:
        incident.commander = _commander(values["commander"])
    _set_labels(incident, values)
    if "components" in values:
        found = components.by_slugs(list(values["components"]), "components")
        set_affected(incident, found, values["components"], replace=True)


def _scope_changes(incident: Incident, values: dict[str, Any]) -> dict[str, list]:
    """Label and component changes, for the audit log."""
    changes = audit.diff(incident, {k: values[k] for k in LABEL_FIELDS if k in values})
    if "components" in values:
        old = {a.component.slug: a.status for a in incident.affected}
        if old != values["components"]:
            changes["components"] = [old, values["components"]]
    return changes


def _match_resolution(status: str, resolved_at: datetime | None,
                      stored: datetime | None) -> None:
    """Only a resolved incident has a resolution time. The stored one, sent
    back unchanged (as the edit form does), just goes when the incident is
    reopened; a new one with another status is a contradiction."""
    if status == "resolved" or resolved_at is None:
        return
    if stored is None or resolved_at.replace(microsecond=0) != stored.replace(
            microsecond=0):
        raise ValidationError({"resolved_at": "needs the status resolved; leave it "
                                              "empty for an open incident"})


def get(incident_id: Any, viewer: User | None, *, shallow: bool = False) -> Incident:
    """The incident, if `viewer` may see it (None: the anonymous public).

    A private incident someone may not see does not exist for them: the same
    404 as an unknown id, so its existence is not given away. `shallow`
    loads the row alone, its relationships when first touched (a page served
    from the cache touches none of them).
    """
    try:
        incident_id = int(incident_id)
    except (TypeError, ValueError):
        raise NotFound("No such incident") from None
    options = [so.lazyload("*")] if shallow else []
    incident = (db.session.get(Incident, incident_id, options=options)
                if known_id(incident_id) else None)
    if incident is None or not visibility.can_see(viewer, incident):
        raise NotFound("No such incident")
    return incident


def durations(incident: Incident) -> dict[str, int | None]:
    """Seconds from started_at to each milestone; total = time to resolve."""

    def since_start(moment: datetime | None) -> int | None:
        if moment is None:
            return None
        return int((moment - incident.started_at).total_seconds())

    to_resolve = since_start(incident.resolved_at)
    return {
        "to_detect": since_start(incident.detected_at),
        "to_acknowledge": since_start(incident.acknowledged_at),
        "to_mitigate": since_start(incident.mitigated_at),
        "to_resolve": to_resolve,
        "total": to_resolve,
    }
