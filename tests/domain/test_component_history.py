"""Component status over time, replayed from the changes updates carry."""

from postmortem.domain import component_history, updates
from tests import factories
from tests.factories import at


def post(incident, user, status, minutes, statuses):
    return updates.post(incident, {"status": status, "message": status,
                                   "posted_at": at(minutes),
                                   "component_statuses": statuses}, user)


def test_without_changes_a_component_keeps_its_declared_status(incident):
    found = component_history.segments([incident])
    assert {(s.component.slug, s.status, s.start, s.end) for s in found} == {
        ("api", "major_outage", at(0), None),
        ("website", "partial_outage", at(0), None),
    }


def test_changes_replay_in_time_order(responder, incident):
    post(incident, responder, "identified", 20, {"api": "partial_outage"})
    post(incident, responder, "monitoring", 50, {"api": "degraded_performance"})
    post(incident, responder, "resolved", 90, {"api": "operational",
                                                "website": "operational"})
    api = [(s.status, s.start, s.end) for s in component_history.segments([incident])
           if s.component.slug == "api"]
    assert api == [("major_outage", at(0), at(20)),
                   ("partial_outage", at(20), at(50)),
                   ("degraded_performance", at(50), at(90)),
                   ("operational", at(90), at(90))]


def test_worst_impact_of_a_resolved_incident_is_not_its_last_status(
        responder, incident):
    post(incident, responder, "identified", 20, {"website": "major_outage"})
    post(incident, responder, "resolved", 90, {"api": "operational",
                                                "website": "operational"})
    worst = {w.component.slug: (w.status, w.start, w.end)
             for w in component_history.worst_impact(incident)}
    assert worst == {"api": ("major_outage", at(0), at(90)),
                     "website": ("major_outage", at(0), at(90))}
    assert {a.status for a in incident.affected} == {"operational"}


def test_a_component_named_only_by_an_update_starts_at_that_update(responder,
                                                                   incident):
    factories.component("iOS app", slug="ios")
    post(incident, responder, "identified", 30, {"ios": "degraded_performance"})
    post(incident, responder, "resolved", 60, {"ios": "operational"})
    ios = [(s.status, s.start, s.end) for s in component_history.segments([incident])
           if s.component.slug == "ios"]
    assert ios[0] == ("degraded_performance", at(30), at(60))
