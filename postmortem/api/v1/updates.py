"""Status updates: the public face of an incident."""

from flask import request, url_for

from postmortem.api.v1 import api_user, bp, commit_and_answer, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import incidents, updates


@bp.get("/incidents/<int:incident_id>/updates")
def list_updates(incident_id: int):
    """An incident's status updates, newest first."""
    user = api_user()
    incident = incidents.get(incident_id, user)
    return out.items(updates.for_incident(incident), out.status_update)


@bp.post("/incidents/<int:incident_id>/updates")
def post_update(incident_id: int):
    """Post a status update: an append, it moves the incident's status and
    milestones and never conflicts with another update."""
    user = api_user("responder")
    data = json_body(out.UPDATE_FIELDS, out.UPDATE_READ_ONLY)
    update = updates.post(incidents.get(incident_id, user), data, user)
    return created(out.status_update(update), _url(update))


def _url(update) -> str:
    return url_for("api_v1.get_update", incident_id=update.incident_id,
                   update_id=update.id)


@bp.get("/incidents/<int:incident_id>/updates/<int:update_id>")
def get_update(incident_id: int, update_id: int):
    """One status update."""
    user = api_user()
    return out.status_update(updates.get(incidents.get(incident_id, user), update_id))


@bp.patch("/incidents/<int:incident_id>/updates/<int:update_id>")
def edit_update(incident_id: int, update_id: int):
    """Correct a status update (with the `version` read); absent fields keep
    their value, and the milestones it caused move with it."""
    user = api_user("responder")
    data = json_body((*out.UPDATE_FIELDS, "version"), out.UPDATE_READ_ONLY)
    update = updates.get(incidents.get(incident_id, user), update_id)
    updates.edit(update, data, user)
    return commit_and_answer(out.status_update(update))


@bp.delete("/incidents/<int:incident_id>/updates/<int:update_id>")
def delete_update(incident_id: int, update_id: int):
    """Delete a status update; `version` in the query string or a JSON body."""
    user = api_user("responder")
    data = json_body(("version",)) if request.get_data() else request.args
    update = updates.get(incidents.get(incident_id, user), update_id)
    updates.delete(update, data, user)
    commit_and_answer(None)
    return "", 204
