"""A private incident with everything that hangs off it, and one person in
each position around it, for the privacy tests of the web and the API."""

from types import SimpleNamespace

from postmortem.domain import actions, events, impact, members, updates
from postmortem.extensions import db
from tests import factories
from tests.factories import at

# Who sees the private incident, and who must not know it exists.
INSIDERS = ("admin", "commander", "member_responder", "member_viewer")
OUTSIDERS = ("outsider_responder", "outsider_viewer")
MISSING = 2**31 - 1  # an id no row has


def build(admin) -> SimpleNamespace:
    people = {
        "admin": admin,
        "commander": factories.user("responder"),
        "member_responder": factories.user("responder"),
        "member_viewer": factories.user("viewer"),
        "outsider_responder": factories.user("responder"),
        "outsider_viewer": factories.user("viewer"),
    }
    factories.component("API", slug="api")
    incident = factories.incident(admin, title="Secret breach", summary="hush",
                                  is_public=False, components=["api"],
                                  commander=people["commander"].email,
                                  tags=["secret-tag"])
    for name in ("member_responder", "member_viewer"):
        members.add(incident, {"email": people[name].email}, admin)
    updates.post(incident, {"status": "identified", "message": "Secret update",
                            "posted_at": at(10)}, admin)
    event = events.add(incident, {"text": "Secret event", "occurred_at": at(5)},
                       admin)
    impact.record(incident, {"at": at(6), "metric": "error_rate", "value": 5}, admin)
    item = actions.create(incident, {"title": "Secret follow-up",
                                     "owner": "Hidden Owner"}, admin)
    public = factories.incident(admin, title="Public outage")
    db.session.commit()
    return SimpleNamespace(people=people, incident=incident, event=event, item=item,
                           public=public)
