"""/api/v1/incidents/<id>/updates: status updates move status and milestones."""

import pytest

from postmortem.models import ComponentChange, Incident, StatusUpdate
from tests.api.helpers import assert_error, audit_count, count, fresh
from tests.factories import at


def test_post_update_stores_it_and_moves_the_incident(responder_api, responder,
                                                      incident, website_component):
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/updates", json={
        "status": "identified", "message": "We are aware of **errors**.",
        "posted_at": "2026-11-16T09:10:00Z",
        "component_statuses": {"api": "major_outage",
                               "website": "degraded_performance"},
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "identified"
    assert body["posted_at"] == "2026-11-16T09:10:00+00:00"
    assert body["message_html"] == "<p>We are aware of <strong>errors</strong>.</p>"
    assert body["component_statuses"] == {"api": "major_outage",
                                          "website": "degraded_performance"}
    assert body["author"] == responder.display_name
    assert body["incident_id"] == incident.id

    stored = fresh(StatusUpdate, body["id"])
    assert (stored.status, stored.message, stored.posted_at) == (
        "identified", "We are aware of **errors**.", at(10))
    assert stored.author_id == responder.id
    changes = {c.component.slug: (c.old_status, c.new_status)
               for c in stored.component_changes}
    assert changes == {"api": ("partial_outage", "major_outage"),
                       "website": (None, "degraded_performance")}
    moved = fresh(Incident, incident.id)
    assert moved.status == "identified"
    assert moved.acknowledged_at == at(10)
    assert {a.component.slug: a.status for a in moved.affected} == {
        "api": "major_outage", "website": "degraded_performance"}


def test_resolving_update_sets_resolved_at(responder_api, incident):
    path = f"/api/v1/incidents/{incident.id}/updates"
    for minute, status in ((10, "identified"), (90, "monitoring"), (150, "resolved")):
        response = responder_api.post(path, json={
            "status": status, "message": f"Now {status}",
            "posted_at": at(minute).isoformat()})
        assert response.status_code == 201, response.get_json()
    resolved = responder_api.get(f"/api/v1/incidents/{incident.id}").get_json()
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] == "2026-11-16T11:30:00+00:00"
    assert resolved["durations"] == {"to_detect": 240, "to_acknowledge": 600,
                                     "to_mitigate": 5400, "to_resolve": 9000,
                                     "total": 9000}
    listed = responder_api.get(path).get_json()["items"]
    assert [u["status"] for u in listed] == ["resolved", "monitoring", "identified"]


@pytest.mark.parametrize("data, field", [
    ({"message": "no status"}, "status"),
    ({"status": "fine", "message": "m"}, "status"),
    ({"status": "identified"}, "message"),
    ({"status": "identified", "message": ""}, "message"),
    ({"status": "identified", "message": "x" * 20_001}, "message"),
    ({"status": "identified", "message": ["m"]}, "message"),
    ({"status": "identified", "message": "m", "posted_at": "2026-11-16 09:10"},
     "posted_at"),
    ({"status": "identified", "message": "m", "posted_at": "2026-11-16T08:00:00Z"},
     "posted_at"),
    ({"status": "identified", "message": "m", "posted_at": "2099-11-16T08:00:00Z"},
     "posted_at"),
    ({"status": "identified", "message": "m", "component_statuses": ["api"]},
     "component_statuses"),
    ({"status": "identified", "message": "m",
      "component_statuses": {"api": "kaput"}}, "component_statuses"),
    ({"status": "identified", "message": "m",
      "component_statuses": {"nope": "major_outage"}}, "component_statuses"),
    ({"status": "identified", "message": "m", "tweet": "x"}, "tweet"),
])
def test_bad_updates_are_422_and_store_nothing(responder_api, incident, data, field):
    audits = audit_count()
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/updates",
                                  json=data)
    assert_error(response, 422, field)
    assert count(StatusUpdate) == 0
    assert count(ComponentChange) == 0
    stored = fresh(Incident, incident.id)
    assert (stored.status, stored.acknowledged_at, stored.version) == (
        "investigating", None, 1)
    assert audit_count() == audits


def test_unknown_incident_is_404(responder_api):
    for path in ("/api/v1/incidents/404/updates", f"/api/v1/incidents/{2**63}/updates"):
        assert_error(responder_api.get(path), 404)
        assert_error(responder_api.post(path, json={
            "status": "identified", "message": "m"}), 404)
    assert count(StatusUpdate) == 0
