"""Incidents: the filtered list, declaring, reading and editing one."""

from typing import Any

from flask import request, url_for

from postmortem.api.v1 import api_user, bp, created, json_body, per_page
from postmortem.api.v1 import serializers as out
from postmortem.domain import incident_list, incidents
from postmortem.domain.errors import ValidationError
from postmortem.domain.incident_list import ListPage
from postmortem.extensions import db


def list_request(args: Any) -> tuple[dict[str, Any], int]:
    """The web list's filters plus `per_page`, every bad one named at once."""
    errors: dict[str, str] = {}
    filters: dict[str, Any] = {}
    try:
        filters = incident_list.clean_filters(args)
    except ValidationError as exc:
        errors |= exc.fields
    size = per_page(args, errors)
    if errors:
        raise ValidationError(errors)
    return filters, size


@bp.get("/incidents")
def list_incidents():
    """Incidents, newest first (best match first for `q`), filtered and paged
    by cursor like the web list."""
    user = api_user()
    filters, size = list_request(request.args)
    return list_body(incident_list.list_page(filters, user, size), request.args)


def list_body(result: ListPage, args: Any) -> dict[str, Any]:
    """One page, with links to the pages either side. `total` is null when
    counting stopped early; `total_more_than` then says how far it got."""
    kept = {k: args[k] for k in (*incident_list.FILTERS, "per_page")
            if k not in ("page", "cursor") and args.get(k)}

    def link(cursor: str | None) -> str | None:
        return (url_for("api_v1.list_incidents", cursor=cursor, **kept)
                if cursor else None)

    return {"items": [out.incident(row) for row in result.items],
            "per_page": result.per_page, "total": result.total,
            "total_more_than": result.more_than,
            "page": result.page, "pages": result.pages,
            "next": link(result.next_cursor), "prev": link(result.prev_cursor)}


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
    user = api_user()
    return out.incident(incidents.get(incident_id, user))


@bp.patch("/incidents/<int:incident_id>")
def update_incident(incident_id: int):
    """Edit an incident; `version` must be the one the client read."""
    user = api_user("responder")
    data = json_body(out.INCIDENT_FIELDS, out.INCIDENT_READ_ONLY)
    incident = incidents.update(incidents.get(incident_id, user), data, user)
    db.session.commit()
    return out.incident(incident)
