"""Status updates: the status, milestones and component statuses they move."""

import pytest

from postmortem.domain import components, updates
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.models import ComponentChange, StatusUpdate
from tests import factories
from tests.factories import at


def post(incident, user, status, minutes, **extra):
    return updates.post(incident, {"status": status, "message": f"{status} msg",
                                   "posted_at": at(minutes)} | extra, user)


def stored_updates():
    return db.session.scalars(db.select(StatusUpdate)).all()


def test_post_stores_the_update_and_renders_markdown(responder, incident):
    update = updates.post(incident, {
        "status": "investigating", "posted_at": "2026-11-16T10:14:00+01:00",
        "message": "We are **aware** <img src=x onerror=alert(1)>"}, responder)
    db.session.commit()
    stored = db.session.get(StatusUpdate, update.id)
    assert stored.posted_at == at(14)
    assert stored.author == responder
    assert stored.message.startswith("We are **aware**")
    assert "<strong>aware</strong>" in stored.message_html
    assert "onerror" not in stored.message_html and "<img" not in stored.message_html
    assert incident.status == "investigating"


def test_first_update_acknowledges_the_incident(responder, incident):
    assert incident.acknowledged_at is None
    post(incident, responder, "investigating", 14)
    assert incident.acknowledged_at == at(14)
    post(incident, responder, "identified", 40)
    assert incident.acknowledged_at == at(14)
    assert incident.mitigated_at is None and incident.resolved_at is None


def test_monitoring_mitigates_and_resolved_resolves(responder, incident):
    post(incident, responder, "investigating", 14)
    post(incident, responder, "monitoring", 120)
    assert (incident.status, incident.mitigated_at) == ("monitoring", at(120))
    post(incident, responder, "resolved", 190)
    db.session.commit()
    assert incident.status == "resolved"
    assert incident.resolved_at == at(190)
    assert incident.mitigated_at == at(120)
    assert {a.component.slug: a.ended_at for a in incident.affected} == {
        "api": at(190), "website": at(190)}


def test_resolving_directly_also_mitigates(responder, incident):
    post(incident, responder, "resolved", 30)
    assert (incident.acknowledged_at, incident.mitigated_at, incident.resolved_at) \
        == (at(30), at(30), at(30))


def test_a_later_update_that_is_not_resolved_reopens(responder, incident):
    post(incident, responder, "resolved", 60)
    post(incident, responder, "investigating", 75, message="It is back")
    db.session.commit()
    assert incident.status == "investigating"
    assert incident.resolved_at is None
    assert incident.mitigated_at == at(60)


def test_a_back_dated_update_fills_history_without_changing_status(responder,
                                                                   incident):
    post(incident, responder, "investigating", 14)
    post(incident, responder, "resolved", 190)
    version = incident.version
    post(incident, responder, "identified", 50)
    post(incident, responder, "monitoring", 110)
    db.session.commit()
    assert incident.status == "resolved"
    assert incident.resolved_at == at(190)
    assert incident.mitigated_at == at(110)
    assert incident.version > version
    # newest first, as the pages show them
    assert [u.status for u in updates.for_incident(incident)] == [
        "resolved", "monitoring", "identified", "investigating"]
    assert updates.latest(incident).status == "resolved"


def test_a_back_dated_first_update_moves_acknowledged_earlier(responder, incident):
    post(incident, responder, "identified", 30)
    post(incident, responder, "investigating", 10)
    assert incident.acknowledged_at == at(10)
    assert incident.status == "identified"


def test_component_statuses_are_applied_and_recorded(responder, incident):
    factories.component("iOS app", slug="ios-app")
    update = post(incident, responder, "identified", 20, component_statuses={
        "website": "major_outage", "ios-app": "degraded_performance"})
    db.session.commit()
    changes = {c.component.slug: (c.old_status, c.new_status)
               for c in db.session.scalars(db.select(ComponentChange))}
    assert changes == {"website": ("partial_outage", "major_outage"),
                       "ios-app": (None, "degraded_performance")}
    assert len(update.component_changes) == 2
    statuses = {a.component.slug: a.status for a in incident.affected}
    assert statuses == {"api": "major_outage", "website": "major_outage",
                        "ios-app": "degraded_performance"}


def test_an_operational_component_leaves_current_statuses(responder, incident,
                                                          api_and_web):
    api, web = api_and_web
    post(incident, responder, "monitoring", 100,
         component_statuses={"api": "operational"})
    db.session.commit()
    row = next(a for a in incident.affected if a.component == api)
    assert row.ended_at == at(100)
    assert components.current_statuses() == {web.id: "partial_outage"}


def test_a_back_dated_update_does_not_restatus_components(responder, incident):
    post(incident, responder, "identified", 60)
    post(incident, responder, "investigating", 20,
         component_statuses={"api": "degraded_performance"})
    statuses = {a.component.slug: a.status for a in incident.affected}
    assert statuses["api"] == "major_outage"


@pytest.mark.parametrize("data, field", [
    ({"message": "m"}, "status"),
    ({"status": "fixed", "message": "m"}, "status"),
    ({"status": "identified"}, "message"),
    ({"status": "identified", "message": ""}, "message"),
    ({"status": "identified", "message": "x" * 20_001}, "message"),
    ({"status": "identified", "message": "m", "posted_at": "2026-11-16 09:30"},
     "posted_at"),
    ({"status": "identified", "message": "m", "posted_at": "2099-11-16T09:30:00Z"},
     "posted_at"),
    ({"status": "identified", "message": "m", "posted_at": "2026-11-16T08:59:00Z"},
     "posted_at"),
    ({"status": "identified", "message": "m", "component_statuses": ["api"]},
     "component_statuses"),
    ({"status": "identified", "message": "m",
      "component_statuses": {"api": "down"}}, "component_statuses"),
    ({"status": "identified", "message": "m",
      "component_statuses": {"nope": "major_outage"}}, "component_statuses"),
])
def test_bad_input_is_refused_and_nothing_changes(responder, incident, data, field):
    db.session.commit()
    before = (incident.status, incident.version, incident.acknowledged_at)
    with pytest.raises(ValidationError) as caught:
        updates.post(incident, data, responder)
    assert field in caught.value.fields
    assert stored_updates() == []
    assert db.session.scalars(db.select(ComponentChange)).all() == []
    assert (incident.status, incident.version, incident.acknowledged_at) == before
    assert {a.component.slug: a.status for a in incident.affected} == {
        "api": "major_outage", "website": "partial_outage"}


def test_resolving_before_detection_is_refused(responder, incident):
    """Resolving before the incident was detected is refused, naming posted_at."""
    with pytest.raises(ValidationError) as caught:
        post(incident, responder, "resolved", 2)
    assert caught.value.fields == {
        "posted_at": "cannot be after the incident was resolved"}
    assert incident.resolved_at is None and stored_updates() == []


def test_reopening_affects_again_the_components_the_resolution_closed(responder):
    factories.component("API", slug="api-reopen")
    incident = factories.incident(
        responder, components=[{"slug": "api-reopen", "status": "major_outage"}])
    updates.post(incident, {"status": "resolved", "message": "Fixed.",
                            "posted_at": at(60)}, responder)
    assert incident.affected[0].ended_at == at(60)
    updates.post(incident, {"status": "investigating", "message": "Back again.",
                            "posted_at": at(70)}, responder)
    assert incident.resolved_at is None
    assert incident.affected[0].ended_at is None
    assert components.current_statuses() == {
        incident.affected[0].component_id: "major_outage"}
