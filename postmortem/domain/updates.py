"""Status updates: posting (an append), correcting and deleting them, and the
status, milestones and component statuses they move."""

from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit, components, milestones
from postmortem.domain.errors import NotFound
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
from postmortem.domain.versioning import require_version, save
from postmortem.domain.vocabulary import COMPONENT_STATUSES, INCIDENT_STATUSES
from postmortem.extensions import db
from postmortem.models import (
    AffectedComponent,
    Component,
    ComponentChange,
    Incident,
    StatusUpdate,
    User,
)
from postmortem.models.incident import MILESTONES
from postmortem.models.types import utcnow

EDITABLE = ("status", "message", "posted_at", "component_statuses")


def _clean(data: Any, partial: bool = False) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.choice("status", INCIDENT_STATUSES, required=True)
    fields.markdown("message", 20_000, required=True)
    fields.time("posted_at", default=utcnow())
    milestones.check_not_future(fields, "posted_at")
    if "component_statuses" in fields.data or not partial:
        fields.values["component_statuses"] = _clean_statuses(
            fields, fields.data.get("component_statuses") or {})
    return fields.result()


def _clean_statuses(fields: Fields, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        fields.error("component_statuses", "must be an object {slug: status}")
        return {}
    for slug, status in raw.items():
        if status not in COMPONENT_STATUSES:
            fields.error("component_statuses", f"{slug}: status must be one of: "
                         + ", ".join(COMPONENT_STATUSES))
    return raw


def latest(incident: Incident) -> StatusUpdate | None:
    return db.session.scalar(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc()).limit(1)
    )


def _changes(incident: Incident, statuses: dict[str, str],
             found: dict[str, Component]) -> list[ComponentChange]:
    current = {a.component.slug: a.status for a in incident.affected}
    return [ComponentChange(component=found[slug], old_status=current.get(slug),
                            new_status=status)
            for slug, status in statuses.items()]


def post(incident: Incident, data: Any, actor: User) -> StatusUpdate:
    """Post a status update: an append, so it takes no version and never
    conflicts with another update; the incident's status and milestones are
    derived again from all of its updates."""
    values = _clean(data)
    incident = milestones.lock(incident)
    found = components.by_slugs(list(values["component_statuses"]),
                                "component_statuses")
    update = StatusUpdate(
        incident_id=incident.id, status=values["status"], message=values["message"],
        message_html=render_markdown(values["message"]),
        posted_at=values["posted_at"], author_id=actor.id if actor else None,
        component_changes=_changes(incident, values["component_statuses"], found),
    )
    # Checked before it is added: a refused update must not be flushed.
    updates = sorted([*milestones.history(incident), update],
                     key=lambda u: (u.posted_at, u.id or 2**63))
    derived = _derived(incident, updates, update, forget=())
    db.session.add(update)
    _settle(incident, update if updates[-1] is update else None, derived)
    audit.record(actor, "status_update.post", update, {
        "incident_id": incident.id, "status": update.status})
    return update


def _derived(incident: Incident, updates: list[StatusUpdate],
             changed: StatusUpdate | None, forget,
             was_newest: bool = False) -> milestones.Derived:
    """The incident derived from its updates (oldest first) after `changed`
    was posted or edited (None: deleted), checked. The newest update decides
    the status, so a back-dated one only fills in history."""
    is_newest = bool(updates) and changed is not None and updates[-1] is changed
    derived = milestones.derive(incident, updates, forget,
                                decide_status=is_newest or was_newest)
    milestones.check(derived.milestones | {
        "started_at": incident.started_at}, field_for=dict.fromkeys(
            MILESTONES, "posted_at"))
    return derived


def _settle(incident: Incident, newest: StatusUpdate | None,
            derived: milestones.Derived) -> None:
    if newest is not None:
        _newest_components(incident, newest)
    milestones.apply(incident, derived)
    db.session.flush()


def _derive(incident: Incident, changed: StatusUpdate | None, forget,
            was_newest: bool = False) -> None:
    """After an edit or a delete (flushed): derive the incident again."""
    updates = milestones.history(incident)
    derived = _derived(incident, updates, changed, forget, was_newest)
    is_newest = bool(updates) and changed is not None and updates[-1] is changed
    _settle(incident, changed if is_newest else None, derived)


def _newest_components(incident: Incident, update: StatusUpdate) -> None:
    """The newest update sets the status of the components it names."""
    # By component, not its id: rows and changes made here are not flushed.
    rows = {a.component.id: a for a in incident.affected}
    for change in update.component_changes:
        _restatus(incident, rows.get(change.component.id), change, update)


def _replay_components(incident: Incident, before: dict[int, str | None]) -> None:
    """After an edit or a delete: each component the update named takes the
    status of its newest remaining change, or the one it had before."""
    newest: dict[int, tuple[ComponentChange, StatusUpdate]] = {}
    for update in milestones.history(incident):
        for change in update.component_changes:
            newest[change.component_id] = (change, update)
    rows = {a.component_id: a for a in incident.affected}
    for component_id, old_status in before.items():
        row = rows.get(component_id)
        if component_id in newest:
            _restatus(incident, row, *newest[component_id])
        elif row is not None and old_status is None:
            incident.affected.remove(row)
        elif row is not None:
            row.status, row.ended_at = old_status, None


def _restatus(incident: Incident, row: AffectedComponent | None,
              change: ComponentChange, update: StatusUpdate) -> None:
    if row is None:
        row = AffectedComponent(component=change.component,
                                started_at=incident.started_at)
        incident.affected.append(row)
    row.status = change.new_status
    row.ended_at = update.posted_at if row.status == "operational" else None


def get(incident: Incident, update_id: Any) -> StatusUpdate:
    known = str(update_id).isdigit() and int(update_id) < 2**31
    update = db.session.get(StatusUpdate, int(update_id)) if known else None
    if update is None or update.incident_id != incident.id:
        raise NotFound("No such status update")
    return update


def _caused(incident: Incident, update: StatusUpdate) -> list[str]:
    """The milestones this update set, to be worked out again without it."""
    return [name for name in ("acknowledged_at", "mitigated_at", "resolved_at")
            if getattr(incident, name) == update.posted_at]


def edit(update: StatusUpdate, data: Any, actor: User) -> StatusUpdate:
    """Correct an update's message, time, status or component changes; the
    milestones it caused move with it, and the audit log keeps the old text."""
    values = _clean(data, partial=True)
    require_version(update, data, "status update")
    incident = milestones.lock(db.session.get(Incident, update.incident_id))
    was_newest = latest(incident) is update
    forget = _caused(incident, update)
    changes = audit.diff(update, {k: v for k, v in values.items()
                                  if k != "component_statuses"})
    before = {c.component_id: c.old_status for c in update.component_changes}
    for name in ("status", "message", "posted_at"):
        if name in values:
            setattr(update, name, values[name])
    if "message" in values:
        update.message_html = render_markdown(values["message"])
    if "component_statuses" in values:
        changes |= _set_changes(incident, update, values["component_statuses"])
    update.edited_at = utcnow()
    save(update)
    before |= {c.component_id: before.get(c.component_id, c.old_status)
               for c in update.component_changes}
    _replay_components(incident, before)
    _derive(incident, update, forget, was_newest)
    audit.record(actor, "status_update.edit", update,
                 {"incident_id": incident.id, **changes})
    return update


def _set_changes(incident: Incident, update: StatusUpdate,
                 statuses: dict[str, str]) -> dict[str, list]:
    old = {c.component.slug: c.new_status for c in update.component_changes}
    if old == statuses:
        return {}
    found = components.by_slugs(list(statuses), "component_statuses")
    kept = {c.component.slug: c.old_status for c in update.component_changes}
    current = {a.component.slug: a.status for a in incident.affected}
    update.component_changes = [
        ComponentChange(component=found[slug], new_status=status,
                        old_status=kept.get(slug, current.get(slug)))
        for slug, status in statuses.items()]
    return {"component_statuses": [old, statuses]}


def delete(update: StatusUpdate, data: Any, actor: User) -> None:
    """Remove an update (naming the version seen); the milestones and
    statuses it caused are worked out again from the others."""
    require_version(update, data, "status update")
    incident = milestones.lock(db.session.get(Incident, update.incident_id))
    was_newest = latest(incident) is update
    forget = _caused(incident, update)
    before = {c.component_id: c.old_status for c in update.component_changes}
    audit.record(actor, "status_update.delete", update, {
        "incident_id": incident.id, "status": update.status,
        "posted_at": update.posted_at, "message": update.message})
    db.session.delete(update)
    db.session.flush()
    _replay_components(incident, before)
    _derive(incident, None, forget, was_newest)


def for_incident(incident: Incident) -> list[StatusUpdate]:
    """Newest first, as the incident page and the status page show them."""
    return list(db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc())
    ))
