"""Action items: the follow-up work an incident leaves behind."""

from typing import Any

from flask import request, url_for

from postmortem.api.v1 import api_user, bp, created, json_body, per_page
from postmortem.api.v1 import serializers as out
from postmortem.domain import actions, incidents
from postmortem.domain.values import Fields
from postmortem.extensions import db


def open_request(args: Any) -> dict[str, Any]:
    """`owner`, `page` and `per_page` for the open action items list."""
    fields = Fields({k: args[k] for k in ("owner", "page") if args.get(k)})
    fields.text("owner", 120, default=None)
    fields.number("page", minimum=1, maximum=100_000, integer=True, default=1)
    size = per_page(args, fields.errors)
    return fields.result() | {"per_page": size}


@bp.get("/actions")
def list_open_actions():
    """Open action items across incidents, overdue and soonest due first."""
    user = api_user()
    args = open_request(request.args)
    return out.page(db.paginate(actions.open_items_query(args["owner"], user),
                                page=args["page"], per_page=args["per_page"],
                                error_out=False), out.action_item)


@bp.get("/incidents/<int:incident_id>/actions")
def list_actions(incident_id: int):
    """An incident's action items, highest priority first."""
    user = api_user()
    incident = incidents.get(incident_id, user)
    return out.items(actions.for_incident(incident), out.action_item)


@bp.post("/incidents/<int:incident_id>/actions")
def create_action(incident_id: int):
    """Add an action item to an incident."""
    user = api_user("responder")
    data = json_body(out.ACTION_FIELDS, out.ACTION_READ_ONLY)
    item = actions.create(incidents.get(incident_id, user), data, user)
    # created() commits last, with the answer already built.
    return created(out.action_item(item),
                   url_for("api_v1.get_action", action_id=item.id))


@bp.get("/actions/<int:action_id>")
def get_action(action_id: int):
    """One action item."""
    user = api_user()
    return out.action_item(actions.get(action_id, user))


@bp.patch("/actions/<int:action_id>")
def update_action(action_id: int):
    """Change an action item; a `version`, if sent, must be current."""
    user = api_user("responder")
    data = json_body(out.ACTION_FIELDS, out.ACTION_READ_ONLY)
    item = actions.update(actions.get(action_id, user), data, user)
    db.session.commit()
    return out.action_item(item)
