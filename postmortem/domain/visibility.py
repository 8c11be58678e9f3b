"""Who may see which incident: the one rule every page, list, search, export
and count applies.

A public incident is visible to every signed-in user. A private one is visible
only to admins, its commander and its members; to everyone else it does not
exist. The anonymous public (the status page, feeds, v2 JSON) is `None` and
sees public incidents only.
"""

import sqlalchemy as sa

from postmortem.models import Incident, IncidentMember, User

# Stands for the application itself (the demo loader, the CLI): no user, no
# visibility rule. Never pass it on behalf of a request.
SYSTEM = object()


def can_see(user: User | None, incident: Incident) -> bool:
    if incident.is_public or user is SYSTEM:
        return True
    if user is None:
        return False
    if user.has_role("admin") or incident.commander_id == user.id:
        return True
    return any(member.user_id == user.id for member in incident.members)


def visible_clause(user: User | None) -> sa.ColumnElement[bool]:
    """A WHERE clause over `Incident` keeping what `user` may see; join or
    filter any query that lists, counts or searches incidents with it."""
    public = Incident.is_public.is_(True)
    if user is SYSTEM:
        return sa.true()
    if user is None:
        return public
    if user.has_role("admin"):
        return sa.true()
    is_member = sa.exists().where(IncidentMember.incident_id == Incident.id,
                                  IncidentMember.user_id == user.id)
    return sa.or_(public, Incident.commander_id == user.id, is_member)


def public_clause() -> sa.ColumnElement[bool]:
    """What the anonymous public may see."""
    return visible_clause(None)
