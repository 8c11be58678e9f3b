"""Statuspage-compatible JSON: the same keys, value sets and nesting as the
sample payloads, CORS, caching."""

from datetime import datetime

import pytest

from tests.api import statuspage_samples as sample
from tests.domain.status import world as status_world


@pytest.fixture
def world(admin):
    return status_world.build(admin)


def get(client, name):
    response = client.get(f"/api/v2/{name}.json")
    assert response.status_code == 200, name
    assert response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def same_keys(ours: dict, theirs: dict, where: str) -> None:
    assert set(ours) == set(theirs), where


def is_time(value) -> bool:
    return value is None or datetime.fromisoformat(value).tzinfo is not None


def check_component(c: dict) -> None:
    same_keys(c, sample.GROUP if c["group"] else sample.COMPONENT, "component")
    assert isinstance(c["id"], str) and c["status"] in sample.COMPONENT_STATUSES
    assert is_time(c["created_at"]) and is_time(c["updated_at"])


def check_incident(i: dict, maintenance: bool = False) -> None:
    same_keys(i, sample.MAINTENANCE if maintenance else sample.INCIDENT, "incident")
    statuses = sample.MAINTENANCE_STATUSES if maintenance else sample.INCIDENT_STATUSES
    assert i["status"] in statuses and i["impact"] in sample.IMPACTS
    assert isinstance(i["id"], str)
    for key in ("created_at", "updated_at", "monitoring_at", "resolved_at",
                "started_at"):
        assert is_time(i[key]), key
    for update in i["incident_updates"]:
        same_keys(update, sample.UPDATE, "incident update")
        assert update["incident_id"] == i["id"]
        for change in update["affected_components"] or []:
            same_keys(change, sample.UPDATE["affected_components"][0], "change")
    for component in i["components"]:
        check_component(component)


def test_summary_has_statuspage_shape(client, world):
    data = get(client, "summary")
    same_keys(data, sample.SUMMARY, "summary")
    same_keys(data["page"], sample.PAGE, "page")
    same_keys(data["status"], sample.STATUS, "status")
    assert data["status"] == {"indicator": "critical",
                              "description": "Major System Outage"}
    for component in data["components"]:
        check_component(component)
    for incident in data["incidents"]:
        check_incident(incident)
    for maintenance in data["scheduled_maintenances"]:
        check_incident(maintenance, maintenance=True)
    assert [i["name"] for i in data["incidents"]] == ["API errors for some users"]
    assert [m["name"] for m in data["scheduled_maintenances"]] == ["Database upgrade"]


def test_groups_list_their_members(client, world):
    components = get(client, "components")["components"]
    by_id = {c["id"]: c for c in components}
    group = next(c for c in components if c["group"])
    assert group["name"] == "Platform"
    assert group["status"] == "major_outage"
    members = [by_id[i] for i in group["components"]]
    assert {m["name"] for m in members} == {"API", "Docs"}
    assert all(m["group_id"] == group["id"] for m in members)


def test_updates_carry_affected_components(client, world):
    incident = get(client, "incidents/unresolved")["incidents"][0]
    newest = incident["incident_updates"][0]
    assert newest["body"] == "Cause found; fix rolling out."
    assert newest["affected_components"] == [{
        "code": str(world.api.id), "name": "API", "old_status": "partial_outage",
        "new_status": "major_outage"}]
    assert incident["incident_updates"][1]["affected_components"] is None
    assert incident["shortlink"].endswith(f"/status/incidents/{world.active.id}")


def test_every_document(client, world):
    assert set(get(client, "status")) == {"page", "status"}
    assert set(get(client, "components")) == {"page", "components"}
    incidents = get(client, "incidents")["incidents"]
    assert [i["name"] for i in incidents] == ["API errors for some users",
                                              "Website slow"]
    for incident in incidents:
        check_incident(incident)
    assert len(get(client, "incidents/unresolved")["incidents"]) == 1
    for name in ("scheduled-maintenances", "scheduled-maintenances/upcoming"):
        listed = get(client, name)["scheduled_maintenances"]
        assert [m["id"] for m in listed] == [f"m{world.window.id}"]
        check_incident(listed[0], maintenance=True)
    assert get(client, "scheduled-maintenances/active")["scheduled_maintenances"] == []


def test_all_well(client):
    data = get(client, "summary")
    assert data["status"] == {"indicator": "none",
                              "description": "All Systems Operational"}
    assert data["incidents"] == [] and data["scheduled_maintenances"] == []


def test_unknown_documents_are_json_404s(client):
    response = client.get("/api/v2/nope.json")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_preflight_allows_conditional_requests(client):
    response = client.options("/api/v2/summary.json", headers={
        "Origin": "https://elsewhere.example",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert response.status_code == 200
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_304_on_json(client, world):
    etag = client.get("/api/v2/summary.json").headers["ETag"]
    again = client.get("/api/v2/summary.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
