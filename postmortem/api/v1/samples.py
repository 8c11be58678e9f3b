"""Impact samples: the time series behind the "spike and recovery" chart."""

from postmortem.api.v1 import api_user, bp, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import impact, incidents
from postmortem.extensions import db


@bp.get("/incidents/<int:incident_id>/impact-samples")
def list_samples(incident_id: int):
    """An incident's impact samples by metric, then time."""
    api_user()
    incident = incidents.get(incident_id)
    return out.items(impact.for_incident(incident), out.sample)


@bp.post("/incidents/<int:incident_id>/impact-samples")
def record_samples(incident_id: int):
    """Store one sample or a list; a point sent again corrects the stored one."""
    user = api_user("responder")
    data = json_body(out.SAMPLE_FIELDS, out.SAMPLE_READ_ONLY, allow_list=True)
    stored = impact.record(incidents.get(incident_id), data, user)
    db.session.commit()
    return created(out.items(stored, out.sample))
