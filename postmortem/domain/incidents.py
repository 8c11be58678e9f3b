"""Declaring, editing, finding and measuring incidents."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from postmortem.domain import audit, components
from postmortem.domain.errors import Conflict, NotFound, ValidationError
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
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
# Clocks drift and people type fast; anything further ahead is a mistake.
FUTURE_LEEWAY = timedelta(minutes=10)
DEFAULT_AFFECTED_STATUS = "partial_outage"


def check_not_future(fields: Fields, *names: str) -> None:
    limit = utcnow() + FUTURE_LEEWAY
    for name in names:
        value = fields.values.get(name)
        if isinstance(value, datetime) and value > limit:
            fields.error(name, "is in the future")


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
    check_not_future(fields, *MILESTONES)
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


def check_milestones(values: dict[str, datetime | None], field_for=None) -> None:
    """Milestones cannot come before the impact began, nor after resolution."""
    field_for = field_for or {}
    errors = {}
    started = values.get("started_at")
    resolved = values.get("resolved_at")
    for name in MILESTONES[1:]:
        value = values.get(name)
        if value is None:
            continue
        if started and value < started:
            errors[field_for.get(name, name)] = "cannot be before started_at"
        elif resolved and name != "resolved_at" and value > resolved:
            errors[field_for.get(name, name)] = "cannot be after resolved_at"
    if errors:
        raise ValidationError(errors)


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


def declare(data: Any, actor: User) -> Incident:
    """Open a new incident from raw input."""
    values = _clean(data, partial=False)
    values.setdefault("detected_at", None)
    if values["detected_at"] is None:
        # Declaring is detecting, unless this is a write-up after the fact.
        # Whole seconds, as forms offer them: an update posted in the same
        # second must not come before detection.
        now = utcnow().replace(microsecond=0)
        latest = min(now, values.get("resolved_at") or now)
        values["detected_at"] = max(values["started_at"], latest)
    if values["status"] == "resolved" and values.get("resolved_at") is None:
        values["resolved_at"] = values["detected_at"]
    check_milestones(values)
    _match_resolution(values["status"], values.get("resolved_at"), None)
    found = components.by_slugs(list(values["components"]), "components")
    incident = Incident(**{k: values[k] for k in SCALAR_FIELDS if k in values})
    incident.summary_html = render_markdown(incident.summary or "")
    incident.commander = _commander(values.get("commander"))
    _set_labels(incident, values)
    db.session.add(incident)
    set_affected(incident, found, values["components"], replace=True)
    db.session.flush()
    audit.record(actor, "incident.declare", incident, {
        "title": incident.title, "severity": incident.severity})
    return incident


def update(incident: Incident, data: Any, actor: User) -> Incident:
    """Apply an edit that names the version it was based on."""
    values = _clean(data, partial=True)
    require_version(incident, data, "incident")
    merged = {name: values.get(name, getattr(incident, name)) for name in MILESTONES}
    check_milestones(merged)
    status = values.get("status", incident.status)
    if status == "resolved" and merged["resolved_at"] is None:
        values["resolved_at"] = utcnow()
    elif status != "resolved":
        _match_resolution(status, values.get("resolved_at"), incident.resolved_at)
        values["resolved_at"] = None
        if incident.resolved_at is not None:
            reopen_windows(incident, incident.resolved_at)
    changes = audit.diff(incident, {k: v for k, v in values.items()
                                    if k in SCALAR_FIELDS})
    changes |= _scope_changes(incident, values)
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
    if incident.resolved_at:
        close_windows(incident, incident.resolved_at)
    save(incident)
    audit.record(actor, "incident.update", incident, changes)
    return incident


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


def reopen_windows(incident: Incident, resolved_at: datetime) -> None:
    """A reopened incident affects again the components its resolution
    closed (not those an update had already marked operational)."""
    for row in incident.affected:
        if row.ended_at == resolved_at and row.status != "operational":
            row.ended_at = None


def require_version(obj: Any, data: Any, what: str) -> None:
    """Refuse an edit based on another version than the stored one."""
    version = data.get("version")
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError({"version": "is required: the version you edited"})
    if version != obj.version:
        raise Conflict(
            f"This {what} was changed by someone else (now version {obj.version}, "
            f"you edited {version}). Review the changes and save again.",
            {"version": f"is stale; current version is {obj.version}"},
        )


def close_windows(incident: Incident, at: datetime) -> None:
    for row in incident.affected:
        if row.ended_at is None:
            row.ended_at = at


def save(obj: Any) -> None:
    """Flush, turning a lost optimistic-locking race into a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("This was changed by someone else while you saved. "
                       "Reload and try again.") from None


def get(incident_id: Any, include_private: bool = True) -> Incident:
    try:
        incident_id = int(incident_id)
    except (TypeError, ValueError):
        raise NotFound("No such incident") from None
    incident = db.session.get(Incident, incident_id) if known_id(incident_id) else None
    if incident is None or (not include_private and not incident.is_public):
        raise NotFound("No such incident")
    return incident


def filter_query(filters: dict[str, Any]) -> sa.Select:
    """The incidents matching list filters (q, status, severity, component, tag),
    newest first."""
    query = sa.select(Incident)
    if q := (filters.get("q") or "").strip():
        # % and _ are what people type, not wildcards.
        escaped = (q[:200].replace("\\", "\\\\").replace("%", "\\%")
                   .replace("_", "\\_"))
        pattern = f"%{escaped}%"
        query = query.where(sa.or_(Incident.title.ilike(pattern, escape="\\"),
                                   Incident.summary.ilike(pattern, escape="\\")))
    if status := filters.get("status"):
        query = query.where(Incident.status == status)
    if severity := filters.get("severity"):
        query = query.where(Incident.severity == severity)
    if component := filters.get("component"):
        query = query.where(Incident.affected.any(
            AffectedComponent.component.has(Component.slug == component)))
    if tag := filters.get("tag"):
        query = query.where(Incident.labels.any(
            sa.and_(IncidentLabel.kind == "tag", IncidentLabel.value == tag)))
    if filters.get("public_only"):
        query = query.where(Incident.is_public.is_(True))
    return query.order_by(Incident.started_at.desc(), Incident.id.desc())


def clean_filters(args: Any) -> dict[str, Any]:
    """Validated list filters from query-string arguments."""
    fields = Fields({k: args.get(k) for k in ("q", "status", "severity",
                                               "component", "tag", "page")
                     if args.get(k) not in (None, "")})
    fields.text("q", 200)
    fields.choice("status", INCIDENT_STATUSES)
    fields.choice("severity", SEVERITIES)
    fields.text("component", 64)
    fields.text("tag", 64)
    fields.number("page", minimum=1, maximum=100_000, integer=True, default=1)
    return fields.result()


def search(filters: dict[str, Any], per_page: int):
    """One page of incidents (a flask_sqlalchemy Pagination), with what list
    rows show eager-loaded so a page costs the same queries at any size."""
    return db.paginate(with_details(filter_query(filters)),
                       page=filters.get("page", 1),
                       per_page=per_page, error_out=False, count=True)


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


def with_details(query: sa.Select) -> sa.Select:
    """Eager-load what list and detail views show, so rows add no queries."""
    return query.options(so.selectinload(Incident.affected),
                         so.selectinload(Incident.labels))
