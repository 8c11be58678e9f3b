"""Internal timeline events."""

from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import NotFound
from postmortem.domain.milestones import check as check_milestones
from postmortem.domain.milestones import check_not_future
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import Fields
from postmortem.domain.versioning import save
from postmortem.domain.vocabulary import EVENT_KINDS
from postmortem.extensions import db
from postmortem.models import Incident, TimelineEvent, User
from postmortem.models.incident import MILESTONES
from postmortem.models.types import known_id, utcnow


def _clean(data: Any, partial: bool = False) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.choice("kind", EVENT_KINDS, default="note")
    fields.markdown("text", 10_000, required=True)
    fields.time("occurred_at", default=utcnow())
    fields.flag("key", default=False)
    check_not_future(fields, "occurred_at")
    return fields.result()


def add(incident: Incident, data: Any, actor: User) -> TimelineEvent:
    """Log an event; a mitigation event marks the incident mitigated if it
    was not yet."""
    values = _clean(data)
    event = TimelineEvent(incident_id=incident.id,
                          author_id=actor.id if actor else None,
                          text_html=render_markdown(values["text"]), **values)
    _mark_mitigated(incident, values["kind"], values["occurred_at"])
    # Added only once every check passed: a refused event must not be flushed.
    db.session.add(event)
    save(incident)
    audit.record(actor, "timeline_event.add", event, {
        "incident_id": incident.id, "kind": event.kind})
    return event


def _mark_mitigated(incident: Incident, kind: str, occurred_at) -> None:
    """A mitigation event marks the incident mitigated, if it was not yet or
    only later."""
    if kind != "mitigation":
        return
    if incident.mitigated_at is not None and occurred_at >= incident.mitigated_at:
        return
    moved = {name: getattr(incident, name) for name in MILESTONES}
    moved["mitigated_at"] = occurred_at
    check_milestones(moved, field_for={"mitigated_at": "occurred_at"})
    incident.mitigated_at = occurred_at


def get(incident: Incident, event_id: Any) -> TimelineEvent:
    ident = known_id(event_id)
    event = db.session.get(TimelineEvent, ident) if ident else None
    if event is None or event.incident_id != incident.id:
        raise NotFound("No such timeline event")
    return event


def edit(event: TimelineEvent, data: Any, actor: User) -> TimelineEvent:
    """Change an event; turning it into (or moving) a mitigation moves the
    incident's mitigated time as adding one would."""
    values = _clean(data, partial=True)
    incident = db.session.get(Incident, event.incident_id)
    _mark_mitigated(incident, values.get("kind", event.kind),
                    values.get("occurred_at", event.occurred_at))
    changes = audit.diff(event, values)
    for name, value in values.items():
        setattr(event, name, value)
    if "text" in values:
        event.text_html = render_markdown(values["text"])
    save(incident)
    audit.record(actor, "timeline_event.edit", event, changes)
    return event


def delete(event: TimelineEvent, actor: User) -> None:
    audit.record(actor, "timeline_event.delete", event, {"text": event.text[:200]})
    db.session.delete(event)


def for_incident(incident: Incident) -> list[TimelineEvent]:
    return list(db.session.scalars(
        sa.select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    ))
