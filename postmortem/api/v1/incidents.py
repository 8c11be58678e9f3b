"""Incidents: the filtered list, declaring, reading and editing one."""

from typing import Any

from flask import request, url_for

from postmortem.api.v1 import api_user, bp, created, json_body, per_page
from postmortem.api.v1 import serializers as out
from postmortem.domain import incidents
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db


def list_request(args: Any) -> tuple[dict[str, Any], int]:
    """The web list's filters plus `per_page`, every bad one named at once."""
    errors: dict[str, str] = {}
    filters: dict[str, Any] = {}
    try:
        filters = incidents.clean_filters(args)
    except ValidationError as exc:
        errors |= exc.fields
    size = per_page(args, errors)
    if errors:
        raise ValidationError(errors)
    return filters, size


@bp.get("/incidents")
def list_incidents():
    """Incidents, newest first, filtered and paged like the web list."""
    api_user()
    filters, size = list_request(request.args)
    return out.page(incidents.search(filters, size), out.incident)


@bp.post("/incidents")
def create_incident():
    """Declare an incident."""
    user = api_user("responder")
    data = json_body(out.INCIDENT_FIELDS, out.INCIDENT_READ_ONLY)
    incident = incidents.declare(data, user)
    # created() commits last, with the answer already built.
    return created(out.incident(incident),
                   url_for("api_v1.get_incident", incident_id=incident.id))


@bp.get("/incidents/<int:incident_id>")
def get_incident(incident_id: int):
    """One incident with its scope and derived durations."""
    api_user()
    return out.incident(incidents.get(incident_id))


@bp.patch("/incidents/<int:incident_id>")
def update_incident(incident_id: int):
    """Edit an incident; `version` must be the one the client read."""
    user = api_user("responder")
    data = json_body(out.INCIDENT_FIELDS, out.INCIDENT_READ_ONLY)
    incident = incidents.update(incidents.get(incident_id), data, user)
    db.session.commit()
    return out.incident(incident)
