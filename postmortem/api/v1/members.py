"""The people added to an incident: while it is private, only they, its
commander and admins see it."""

from typing import Any

from postmortem.api.v1 import api_user, bp, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import incidents, members
from postmortem.extensions import db
from postmortem.models import IncidentMember

MEMBER_FIELDS = ("email", "user_id")
MEMBER_READ_ONLY = ("name", "role", "added_at")


def member(row: IncidentMember) -> dict[str, Any]:
    return {"user_id": row.user_id, "email": row.user.email,
            "name": row.user.display_name, "role": row.user.role,
            "added_at": out.iso(row.added_at)}


@bp.get("/incidents/<int:incident_id>/members")
def list_members(incident_id: int):
    """Who was added to an incident."""
    user = api_user()
    return out.items(members.of(incidents.get(incident_id, user)), member)


@bp.post("/incidents/<int:incident_id>/members")
def add_member(incident_id: int):
    """Add someone, by `email` or `user_id`."""
    user = api_user("responder")
    data = json_body(MEMBER_FIELDS, MEMBER_READ_ONLY)
    added = members.add(incidents.get(incident_id, user), data, user)
    return created(member(added))


@bp.delete("/incidents/<int:incident_id>/members/<int:user_id>")
def remove_member(incident_id: int, user_id: int):
    """Take someone off an incident."""
    user = api_user("responder")
    members.remove(incidents.get(incident_id, user), user_id, user)
    db.session.commit()
    return "", 204
