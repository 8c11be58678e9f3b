"""Timeline events: what responders did and saw, in their own time order."""

from flask import url_for

from postmortem.api.v1 import api_user, bp, commit_and_answer, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import events, incidents
from postmortem.extensions import db


@bp.get("/incidents/<int:incident_id>/events")
def list_events(incident_id: int):
    """An incident's timeline events, oldest first."""
    user = api_user()
    incident = incidents.get(incident_id, user)
    return out.items(events.for_incident(incident), out.event)


@bp.post("/incidents/<int:incident_id>/events")
def add_event(incident_id: int):
    """Log a timeline event, back-dated with `occurred_at` if need be."""
    user = api_user("responder")
    data = json_body(out.EVENT_FIELDS, out.EVENT_READ_ONLY)
    event = events.add(incidents.get(incident_id, user), data, user)
    return created(out.event(event), url_for(
        "api_v1.get_event", incident_id=incident_id, event_id=event.id))


@bp.get("/incidents/<int:incident_id>/events/<int:event_id>")
def get_event(incident_id: int, event_id: int):
    """One timeline event."""
    user = api_user()
    return out.event(events.get(incidents.get(incident_id, user), event_id))


@bp.patch("/incidents/<int:incident_id>/events/<int:event_id>")
def edit_event(incident_id: int, event_id: int):
    """Correct a timeline event; absent fields keep their value."""
    user = api_user("responder")
    data = json_body(out.EVENT_FIELDS, out.EVENT_READ_ONLY)
    event = events.get(incidents.get(incident_id, user), event_id)
    events.edit(event, data, user)
    return commit_and_answer(out.event(event))


@bp.delete("/incidents/<int:incident_id>/events/<int:event_id>")
def delete_event(incident_id: int, event_id: int):
    """Remove a timeline event."""
    user = api_user("responder")
    events.delete(events.get(incidents.get(incident_id, user), event_id), user)
    db.session.commit()
    return "", 204
