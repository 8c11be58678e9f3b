"""Scheduled maintenance: admins announce a window on components, then move it
through scheduled -> in_progress -> verifying -> completed with public updates.

A scheduled window whose start has passed counts as in progress (as
Statuspage's automatic start does) until an update says otherwise; only an
update completes it.
"""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit, components
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
from postmortem.domain.versioning import require_version, save
from postmortem.extensions import db
from postmortem.models import Maintenance, MaintenanceUpdate, User
from postmortem.models.maintenance import MAINTENANCE_STATUSES
from postmortem.models.types import utcnow

ACTIVE = ("in_progress", "verifying")
DEFAULT_MESSAGES = {
    "scheduled": "Maintenance is scheduled.",
    "in_progress": "Scheduled maintenance is in progress.",
    "verifying": "Maintenance work is done; we are verifying the results.",
    "completed": "The scheduled maintenance has been completed.",
}

# Maintenance is planned ahead, unlike what an incident records; five years
# covers any real plan and still refuses a mistyped year.
PLANNING_HORIZON = timedelta(days=5 * 365)


def effective_status(maintenance: Maintenance, now: datetime) -> str:
    if maintenance.status == "scheduled" and maintenance.scheduled_for <= now:
        return "in_progress"
    return maintenance.status


def is_active(maintenance: Maintenance, now: datetime) -> bool:
    return effective_status(maintenance, now) in ACTIVE


def window(maintenance: Maintenance, now: datetime) -> tuple[datetime, datetime] | None:
    """When the components really were under maintenance (None: not yet)."""
    status = effective_status(maintenance, now)
    if status == "scheduled":
        return None
    start = maintenance.started_at or maintenance.scheduled_for
    if status == "completed":
        end = maintenance.completed_at or maintenance.scheduled_until
    else:
        end = now
    return (start, max(start, end))


def _clean(data: Any, partial: bool) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.text("title", 200, required=True)
    fields.time("scheduled_for", required=True, ahead=PLANNING_HORIZON)
    fields.time("scheduled_until", required=True, ahead=PLANNING_HORIZON)
    fields.strings("components", max_items=200)
    if not partial:
        fields.text("message", 20_000)
    values = fields.result()
    start = values.get("scheduled_for")
    end = values.get("scheduled_until")
    if start and end and end <= start:
        raise ValidationError({"scheduled_until": "must be after the start"})
    if not partial and not values.get("components"):
        raise ValidationError({"components": "pick at least one component"})
    return values


def schedule(data: Any, actor: User | None) -> Maintenance:
    """Announce a maintenance window; its first update says it is scheduled."""
    values = _clean(data, partial=False)
    found = components.by_slugs(values["components"], "components")
    maintenance = Maintenance(
        title=values["title"], status="scheduled",
        scheduled_for=values["scheduled_for"],
        scheduled_until=values["scheduled_until"],
        components=[found[slug] for slug in values["components"]],
    )
    message = values.get("message") or DEFAULT_MESSAGES["scheduled"]
    maintenance.updates.append(MaintenanceUpdate(
        status="scheduled", message=message, message_html=render_markdown(message),
        posted_at=utcnow(), author_id=actor.id if actor else None))
    db.session.add(maintenance)
    db.session.flush()
    audit.record(actor, "maintenance.schedule", maintenance, {
        "title": maintenance.title, "components": values["components"]})
    return maintenance


def edit(maintenance: Maintenance, data: Any, actor: User | None) -> Maintenance:
    """Change the title, window or components (with the version read)."""
    require_version(maintenance, data, "maintenance")
    values = _clean(data, partial=True)
    start = values.get("scheduled_for", maintenance.scheduled_for)
    end = values.get("scheduled_until", maintenance.scheduled_until)
    if end <= start:
        raise ValidationError({"scheduled_until": "must be after the start"})
    if "components" in values:
        if not values["components"]:
            raise ValidationError({"components": "pick at least one component"})
        found = components.by_slugs(values["components"], "components")
        maintenance.components = [found[slug] for slug in values["components"]]
    for name in ("title", "scheduled_for", "scheduled_until"):
        if name in values:
            setattr(maintenance, name, values[name])
    save(maintenance)
    audit.record(actor, "maintenance.edit", maintenance,
                 {k: str(v) for k, v in values.items()})
    return maintenance


def post_update(maintenance: Maintenance, data: Any,
                actor: User | None) -> MaintenanceUpdate:
    """Move the maintenance on (or just say something) with a public note."""
    fields = Fields(data)
    fields.choice("status", MAINTENANCE_STATUSES, required=True)
    fields.text("message", 20_000)
    fields.time("posted_at", default=utcnow())
    values = fields.result()
    at, status = values["posted_at"], values["status"]
    if at > utcnow():
        raise ValidationError({"posted_at": "must not be in the future"})
    message = values["message"] or DEFAULT_MESSAGES[status]
    update = MaintenanceUpdate(status=status, message=message,
                               message_html=render_markdown(message), posted_at=at,
                               author_id=actor.id if actor else None)
    maintenance.updates.append(update)
    maintenance.status = status
    if status in ("in_progress", "verifying", "completed") and (
            maintenance.started_at is None):
        # Past its start it was already in progress by itself.
        maintenance.started_at = min(at, maintenance.scheduled_for)
    if status == "completed":
        maintenance.completed_at = at
    else:
        maintenance.completed_at = None
    if status == "scheduled":
        maintenance.started_at = None
    save(maintenance)
    audit.record(actor, "maintenance.update", maintenance, {"status": status})
    return update


def get(maintenance_id: Any) -> Maintenance:
    try:
        maintenance_id = int(maintenance_id)
    except (TypeError, ValueError):
        raise NotFound("No such maintenance") from None
    found = (db.session.get(Maintenance, maintenance_id)
             if 0 < maintenance_id < 2**31 else None)
    if found is None:
        raise NotFound("No such maintenance")
    return found


def listed(limit: int | None = None) -> list[Maintenance]:
    """Newest window first."""
    query = sa.select(Maintenance).order_by(Maintenance.scheduled_for.desc(),
                                            Maintenance.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def open_windows() -> list[Maintenance]:
    """Every maintenance not completed, soonest first."""
    return list(db.session.scalars(
        sa.select(Maintenance).where(Maintenance.status != "completed")
        .order_by(Maintenance.scheduled_for, Maintenance.id)))


def next_start(now: datetime) -> datetime | None:
    """The next moment a scheduled window starts by itself."""
    return db.session.scalar(
        sa.select(sa.func.min(Maintenance.scheduled_for))
        .where(Maintenance.status == "scheduled", Maintenance.scheduled_for > now))
