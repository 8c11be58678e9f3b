"""Impact samples: the time series behind the "spike and recovery" chart."""

from flask import request

from postmortem.api.v1 import api_user, bp, commit_and_answer, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import impact, incidents


@bp.get("/incidents/<int:incident_id>/impact-samples")
def list_samples(incident_id: int):
    """An incident's impact samples by metric, then time."""
    user = api_user()
    incident = incidents.get(incident_id, user)
    return out.items(impact.for_incident(incident), out.sample)


@bp.post("/incidents/<int:incident_id>/impact-samples")
def record_samples(incident_id: int):
    """Store one sample or a list; a point sent again corrects the stored one."""
    user = api_user("responder")
    data = json_body(out.SAMPLE_FIELDS, out.SAMPLE_READ_ONLY, allow_list=True)
    stored = impact.record(incidents.get(incident_id, user), data, user)
    return created(out.items(stored, out.sample))


@bp.delete("/incidents/<int:incident_id>/impact-samples/<int:sample_id>")
def delete_sample(incident_id: int, sample_id: int):
    """Delete one impact sample."""
    user = api_user("responder")
    impact.delete(impact.get(incidents.get(incident_id, user), sample_id), user)
    commit_and_answer(None)
    return "", 204


@bp.delete("/incidents/<int:incident_id>/impact-samples")
def delete_samples(incident_id: int):
    """Delete the samples of one `metric`, within `from` and `to` if given."""
    user = api_user("responder")
    deleted = impact.delete_range(incidents.get(incident_id, user), request.args, user)
    return commit_and_answer({"deleted": deleted})
