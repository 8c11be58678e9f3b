"""Status updates and the milestones and component statuses they move."""

from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit, components
from postmortem.domain.incidents import (
    check_milestones,
    check_not_future,
    close_windows,
    reopen_windows,
    save,
    set_affected,
)
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
from postmortem.domain.vocabulary import COMPONENT_STATUSES, INCIDENT_STATUSES
from postmortem.extensions import db
from postmortem.models import ComponentChange, Incident, StatusUpdate, User
from postmortem.models.incident import MILESTONES
from postmortem.models.types import utcnow


def _clean(data: Any) -> dict[str, Any]:
    fields = Fields(data)
    fields.choice("status", INCIDENT_STATUSES, required=True)
    fields.markdown("message", 20_000, required=True)
    fields.time("posted_at", default=utcnow())
    check_not_future(fields, "posted_at")
    raw = fields.data.get("component_statuses") or {}
    if not isinstance(raw, dict):
        fields.error("component_statuses", "must be an object {slug: status}")
        raw = {}
    for slug, status in raw.items():
        if status not in COMPONENT_STATUSES:
            fields.error("component_statuses", f"{slug}: status must be one of: "
                         + ", ".join(COMPONENT_STATUSES))
    fields.values["component_statuses"] = raw
    return fields.result()


def _milestones_after(incident: Incident, status: str, at,
                      newest: bool) -> dict[str, Any]:
    """The milestones once an update with `status` is posted at `at`.

    The first update acknowledges the incident publicly; `monitoring` means a
    fix is in place (mitigated); `resolved` closes it; anything after a
    resolution reopens it.
    """
    moved = {name: getattr(incident, name) for name in MILESTONES}
    if moved["acknowledged_at"] is None or at < moved["acknowledged_at"]:
        moved["acknowledged_at"] = at
    if status in ("monitoring", "resolved") and (
        moved["mitigated_at"] is None or at < moved["mitigated_at"]
    ):
        moved["mitigated_at"] = at
    if newest:
        moved["resolved_at"] = at if status == "resolved" else None
    return moved


def latest(incident: Incident) -> StatusUpdate | None:
    return db.session.scalar(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc()).limit(1)
    )


def post(incident: Incident, data: Any, actor: User) -> StatusUpdate:
    """Post a status update; it moves the incident's status, milestones and
    the affected components it names."""
    values = _clean(data)
    at = values["posted_at"]
    # Only the newest update decides the incident's status: a back-dated one
    # fills in history without reopening or closing anything.
    previous = latest(incident)
    newest = previous is None or at >= previous.posted_at
    moved = _milestones_after(incident, values["status"], at, newest)
    check_milestones(moved, field_for=dict.fromkeys(MILESTONES, "posted_at"))
    found = components.by_slugs(list(values["component_statuses"]),
                                "component_statuses")
    update = StatusUpdate(
        incident_id=incident.id, status=values["status"], message=values["message"],
        message_html=render_markdown(values["message"]), posted_at=at,
        author_id=actor.id if actor else None,
    )
    current = {a.component.slug: a for a in incident.affected}
    for slug, status in values["component_statuses"].items():
        old = current[slug].status if slug in current else None
        update.component_changes.append(
            ComponentChange(component=found[slug], old_status=old, new_status=status))
    db.session.add(update)

    if newest:
        if incident.resolved_at is not None and values["status"] != "resolved":
            reopen_windows(incident, incident.resolved_at)
        incident.status = values["status"]
        set_affected(incident, found, values["component_statuses"], replace=False)
        for row in incident.affected:
            if row.component.slug in found:
                row.ended_at = at if row.status == "operational" else None
    for name, value in moved.items():
        if getattr(incident, name) != value:
            setattr(incident, name, value)
    if incident.resolved_at:
        close_windows(incident, incident.resolved_at)
    save(incident)
    audit.record(actor, "status_update.post", update, {
        "incident_id": incident.id, "status": update.status})
    return update


def for_incident(incident: Incident) -> list[StatusUpdate]:
    """Newest first, as the incident page and the status page show them."""
    return list(db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc())
    ))

