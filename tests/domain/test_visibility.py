"""Who may see a private incident."""

import sqlalchemy as sa

from postmortem.domain import visibility
from postmortem.extensions import db
from postmortem.models import Incident, IncidentMember
from tests import factories


def visible_ids(user):
    return set(db.session.scalars(
        sa.select(Incident.id).where(visibility.visible_clause(user))))


def test_private_incidents_are_seen_by_admins_commander_and_members(admin):
    commander = factories.user("responder")
    member = factories.user("viewer")
    outsider = factories.user("responder")
    public = factories.incident(admin)
    private = factories.incident(admin, is_public=False, commander=commander.email)
    private.members.append(IncidentMember(user_id=member.id))
    db.session.commit()

    for user in (admin, commander, member):
        assert visibility.can_see(user, private)
        assert visible_ids(user) == {public.id, private.id}
    for user in (outsider, None):
        assert not visibility.can_see(user, private)
        assert visible_ids(user) == {public.id}
    assert visibility.can_see(None, public)
