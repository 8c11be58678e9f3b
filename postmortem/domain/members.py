"""The people added to an incident: while it is private, they (with its
commander and admins) are the only ones who see it."""

from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.values import Fields
from postmortem.domain.visibility import can_see
from postmortem.extensions import db
from postmortem.models import Incident, IncidentMember, User


def of(incident: Incident) -> list[IncidentMember]:
    """An incident's members, by name."""
    return sorted(incident.members, key=lambda m: m.user.display_name.lower())


def candidates(incident: Incident) -> list[User]:
    """Active users who do not see the incident whatever its visibility (not
    members, not its commander, not admins), for the "add" choice."""
    taken = {m.user_id for m in incident.members} | {incident.commander_id}
    users = db.session.scalars(sa.select(User).where(User.active.is_(True),
                                                     User.role != "admin")
                               .order_by(User.email))
    return [user for user in users if user.id not in taken]


def _user(data: Any) -> User:
    """The user named by `email` or `user_id`."""
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be an object with email or user_id"})
    fields = Fields(data, partial=True)
    fields.text("email", 254)
    fields.number("user_id", minimum=1, maximum=2**31 - 1, integer=True)
    values = fields.result()
    if "email" in values and values["email"]:
        user = db.session.scalar(sa.select(User)
                                 .where(User.email == values["email"].lower()))
        name = "email"
    elif "user_id" in values:
        user = db.session.get(User, values["user_id"])
        name = "user_id"
    else:
        raise ValidationError({"email": "is required (or user_id)"})
    if user is None:
        raise ValidationError({name: "no user with this " + name.replace("_", " ")})
    return user


def add(incident: Incident, data: Any, actor: User) -> IncidentMember:
    """Add the user named by `email` or `user_id`; adding twice is refused."""
    user = _user(data)
    if any(m.user_id == user.id for m in incident.members):
        raise ValidationError({"email": f"{user.email} is already a member"})
    member = IncidentMember(user=user)
    incident.members.append(member)
    db.session.flush()
    audit.record(actor, "incident.member_add", incident, {"member": user.email})
    return member


def remove(incident: Incident, user_id: Any, actor: User) -> None:
    """Take a member off; they keep seeing it only if it is public, or they
    are its commander or an admin."""
    member = next((m for m in incident.members if str(m.user_id) == str(user_id)),
                  None)
    if member is None:
        raise NotFound("No such member of this incident")
    incident.members.remove(member)
    db.session.flush()
    audit.record(actor, "incident.member_remove", incident,
                 {"member": member.user.email})


def keep_author(incident: Incident, actor: User | None) -> None:
    """Whoever declares a private incident, or makes one private, must still
    see it afterwards: they become a member if nothing else lets them."""
    if actor is not None and not incident.is_public and not can_see(actor, incident):
        incident.members.append(IncidentMember(user_id=actor.id))
