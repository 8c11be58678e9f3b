"""Status updates: the public face of an incident."""

from postmortem.api.v1 import api_user, bp, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import incidents, updates
from postmortem.extensions import db


@bp.get("/incidents/<int:incident_id>/updates")
def list_updates(incident_id: int):
    """An incident's status updates, newest first."""
    user = api_user()
    incident = incidents.get(incident_id, user)
    return out.items(updates.for_incident(incident), out.status_update)


@bp.post("/incidents/<int:incident_id>/updates")
def post_update(incident_id: int):
    """Post a status update; it moves the incident's status and milestones."""
    user = api_user("responder")
    data = json_body(out.UPDATE_FIELDS, out.UPDATE_READ_ONLY)
    update = updates.post(incidents.get(incident_id, user), data, user)
    db.session.commit()
    return created(out.status_update(update))
