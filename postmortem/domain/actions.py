"""Action items: the follow-up work an incident leaves behind."""

from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain import audit, visibility
from postmortem.domain.errors import NotFound
from postmortem.domain.values import Fields
from postmortem.domain.versioning import require_version, save
from postmortem.domain.vocabulary import ACTION_KINDS, ACTION_STATUSES, PRIORITIES
from postmortem.extensions import db
from postmortem.models import ActionItem, Incident, User
from postmortem.models.types import known_id, utcnow

OPEN_STATUSES = ("open", "in_progress")


def _clean(data: Any, partial: bool) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.text("title", 200, required=True)
    fields.text("description", 10_000)
    fields.text("owner", 120)
    fields.choice("kind", ACTION_KINDS, default="prevent")
    fields.choice("priority", PRIORITIES, default="P2")
    fields.choice("status", ACTION_STATUSES, default="open")
    fields.day("due_date")
    fields.url("tracker_url")
    return fields.result()


def _apply_status(item: ActionItem, status: str | None) -> None:
    if status is None:
        return
    if status in ("done", "wont_do") and item.completed_at is None:
        item.completed_at = utcnow()
    elif status in OPEN_STATUSES:
        item.completed_at = None


def create(incident: Incident, data: Any, actor: User) -> ActionItem:
    values = _clean(data, partial=False)
    item = ActionItem(incident_id=incident.id, **values)
    _apply_status(item, values["status"])
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "action_item.create", item, {"title": item.title,
                                                     "incident_id": incident.id})
    return item


def get(item_id: Any, viewer: User | None) -> ActionItem:
    """The action item, if `viewer` may see its incident."""
    ident = known_id(item_id)
    item = db.session.get(ActionItem, ident) if ident else None
    if item is None or not visibility.can_see(viewer, item.incident):
        raise NotFound("No such action item")
    return item


def update(item: ActionItem, data: Any, actor: User) -> ActionItem:
    """Change an action item; a `version` in the input must be current."""
    values = _clean(data, partial=True)
    if "version" in data:
        require_version(item, data, "action item")
    changes = audit.diff(item, values)
    for name, value in values.items():
        setattr(item, name, value)
    _apply_status(item, values.get("status"))
    save(item)
    audit.record(actor, "action_item.update", item, changes)
    return item


def for_incident(incident: Incident) -> list[ActionItem]:
    return list(db.session.scalars(
        sa.select(ActionItem).where(ActionItem.incident_id == incident.id)
        .order_by(ActionItem.priority, ActionItem.id)
    ))


def open_items_query(owner: str | None, viewer: User | None) -> sa.Select:
    """Open action items across the incidents `viewer` may see: overdue and
    soonest due first."""
    query = (sa.select(ActionItem).join(ActionItem.incident)
             .where(ActionItem.status.in_(OPEN_STATUSES),
                    visibility.visible_clause(viewer))
             .options(so.joinedload(ActionItem.incident))
             .order_by(ActionItem.due_date.is_(None), ActionItem.due_date,
                       ActionItem.priority, ActionItem.id))
    if owner:
        query = query.where(ActionItem.owner == owner)
    return query


def open_owners(viewer: User | None) -> list[str]:
    """Everyone who owns an open action item `viewer` may see, for a filter."""
    return list(db.session.scalars(
        sa.select(ActionItem.owner).distinct().join(ActionItem.incident)
        .where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.owner != "",
               visibility.visible_clause(viewer))
        .order_by(ActionItem.owner)
    ))


def overdue_count(viewer: User | None, today: date | None = None) -> int:
    """Overdue open action items on the incidents `viewer` may see."""
    today = today or utcnow().date()
    return db.session.scalar(
        sa.select(sa.func.count(ActionItem.id)).join(ActionItem.incident).where(
            ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < today,
            visibility.visible_clause(viewer))
    ) or 0
