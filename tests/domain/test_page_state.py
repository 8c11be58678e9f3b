"""Every write the incident page shows moves that incident's counter; what all
incident pages draw on moves the catalog's; nothing else moves either."""

import sqlalchemy as sa

from postmortem import models
from postmortem.domain import (
    accounts,
    actions,
    events,
    impact,
    incidents,
    members,
    page_state,
    update_templates,
    updates,
)
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem
from tests import factories
from tests.factories import at

# Rows with an incident_id that the incident page does not show (a change
# there must not throw its render away), each with why.
NOT_SHOWN = {
    "Postmortem": "its own page; the incident page links to it",
    "PostmortemRevision": "the post-mortem's history",
    "SearchDocument": "derived from rows that are counted themselves",
    "IncidentFacet": "derived from the incident row",
    "ExportCache": "rendered exports",
    "AuditEntry": "the audit log page",
}


def counters(incident: Incident) -> tuple[int, int]:
    """(the incident's counter, the catalog's)."""
    db.session.expire_all()
    mine, catalog = page_state.marks(incident)
    return mine[0], catalog[0]


def test_every_row_with_an_incident_is_either_shown_or_known_not_to_be():
    shown = {model.__name__ for model in page_state.INCIDENT_ROWS}
    for name in models.__all__:
        model = getattr(models, name)
        if "incident_id" not in model.__table__.c:
            continue
        assert name in shown or name in NOT_SHOWN, (
            f"{name} has an incident_id: does the incident page show it? Add it "
            "to page_state.INCIDENT_ROWS, or to NOT_SHOWN here with why not")


def test_each_kind_of_write_moves_the_incident_counter(responder):
    api = factories.component("API", slug="api")
    incident = factories.incident(responder)
    other = factories.incident(responder)
    seen = [counters(incident)[0]]

    def moved(write) -> None:
        write()
        db.session.commit()
        now = counters(incident)[0]
        assert now > seen[-1], write
        seen.append(now)

    moved(lambda: incidents.update(incident, {"title": "Renamed",
                                              "version": incident.version}, responder))
    moved(lambda: updates.post(incident, {
        "status": "identified", "message": "Found it",
        "components": {"api": "partial_outage"}}, responder))
    moved(lambda: events.add(incident, {"occurred_at": at(5), "text": "Paged"},
                              responder))
    moved(lambda: impact.record(incident, {"metric": "user_reports",
                                           "at": at(6), "value": 40}, responder))
    moved(lambda: impact.delete_range(incident, {"metric": "user_reports"}, responder))
    moved(lambda: actions.create(incident, {"title": "Add an alert"}, responder))
    viewer = factories.user("viewer")
    moved(lambda: members.add(incident, {"email": viewer.email}, responder))
    assert api.id and counters(other)[0] <= 1  # its own declaration only


def test_the_catalog_moves_with_what_every_page_draws_on(admin):
    before = counters(factories.incident(admin))[1]
    factories.component("Website")
    after_component = counters(db.session.scalars(sa.select(Incident)).first())[1]
    assert after_component > before
    update_templates.create({"name": "Investigating", "status": "investigating",
                             "message": "We are looking into it."}, admin)
    db.session.commit()
    incident = db.session.scalars(sa.select(Incident)).first()
    after_template = counters(incident)[1]
    assert after_template > after_component
    someone = factories.user("viewer")
    after_user = counters(incident)[1]
    assert after_user > after_template
    accounts.update_user(someone, {"role": "responder"}, admin)
    db.session.commit()
    assert counters(incident)[1] > after_user


def test_a_sign_in_or_a_new_password_does_not_move_the_catalog(client, responder):
    incident = factories.incident(responder)
    before = counters(incident)[1]
    response = client.post("/login", data={"email": responder.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    accounts.change_password(db.session.get(type(responder), responder.id),
                             factories.PASSWORD, "another long password")
    db.session.commit()
    assert counters(incident)[1] == before


def test_post_mortem_writes_leave_the_incident_page_alone(responder):
    incident = factories.incident(responder)
    before = counters(incident)[0]
    db.session.add(Postmortem(incident_id=incident.id, author_id=responder.id))
    db.session.commit()
    assert counters(incident)[0] == before
