"""/api/v1/incidents: list, declare, read, edit with optimistic locking."""

import pytest

from postmortem.models import AffectedComponent, Incident, IncidentLabel
from tests import factories
from tests.api.helpers import assert_error, audit_count, count, fresh
from tests.factories import at

INCIDENT_KEYS = {
    "id", "title", "summary", "severity", "impact", "status", "started_at",
    "detected_at", "acknowledged_at", "mitigated_at", "resolved_at",
    "detection_source", "is_public", "components", "regions", "platforms",
    "customer_tiers", "users_affected", "percent_users_affected",
    "peak_user_reports", "tags", "version", "durations", "commander",
    "created_at", "updated_at", "url",
}
DECLARATION = {
    "title": "Website, apps and API down",
    "summary": "Users see *temporary service disruption*.",
    "severity": "SEV1", "impact": "critical", "status": "identified",
    "started_at": "2026-11-16T09:00:00Z", "detected_at": "2026-11-16T10:04:00+01:00",
    "detection_source": "outage_tracker", "is_public": False,
    "components": ["website", {"slug": "api", "status": "major_outage"}],
    "regions": ["eu-west", "us-east"], "platforms": ["web", "ios"],
    "customer_tiers": ["free", "plus"], "users_affected": 1_200_000,
    "percent_users_affected": 42.5, "peak_user_reports": 4200, "tags": ["capacity"],
}


@pytest.fixture
def components(api_component, website_component):
    return api_component, website_component


def test_declare_stores_everything_and_answers_201(responder_api, responder,
                                                   components):
    response = responder_api.post("/api/v1/incidents", json=DECLARATION)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    assert set(body) == INCIDENT_KEYS
    assert body["started_at"] == "2026-11-16T09:00:00+00:00"
    assert body["detected_at"] == "2026-11-16T09:04:00+00:00"
    assert sorted(body["components"], key=lambda c: c["slug"]) == [
        {"slug": "api", "status": "major_outage"},
        {"slug": "website", "status": "partial_outage"}]
    assert body["durations"] == {"to_detect": 240, "to_acknowledge": None,
                                 "to_mitigate": None, "to_resolve": None,
                                 "total": None}
    assert body["version"] == 1
    stored = fresh(Incident, body["id"])
    assert (stored.title, stored.severity, stored.impact, stored.status) == (
        "Website, apps and API down", "SEV1", "critical", "identified")
    assert stored.detected_at == at(4)
    assert stored.is_public is False
    assert stored.regions == ["eu-west", "us-east"]
    assert stored.customer_tiers == ["free", "plus"]
    assert stored.platforms == ["web", "ios"]
    assert stored.tags == ["capacity"]
    assert (stored.users_affected, stored.percent_users_affected,
            stored.peak_user_reports) == (1_200_000, 42.5, 4200)
    assert {a.component.slug: a.status for a in stored.affected} == {
        "website": "partial_outage", "api": "major_outage"}


def test_get_returns_what_was_stored(viewer_api, incident):
    response = viewer_api.get(f"/api/v1/incidents/{incident.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == INCIDENT_KEYS
    assert body["id"] == incident.id
    assert body["title"] == "API errors"
    assert body["components"] == [{"slug": "api", "status": "partial_outage"}]
    assert body["tags"] == ["capacity"]
    assert body["commander"] is None
    assert body["durations"]["to_detect"] == 240


def test_list_filters_and_pages(viewer_api, responder, incident):
    for minute in range(1, 4):
        factories.incident(responder, title=f"Slow website {minute}",
                           severity="SEV4", started_at=at(minute),
                           detected_at=at(minute + 1))
    everything = viewer_api.get("/api/v1/incidents").get_json()
    assert everything["total"] == 4 and everything["pages"] == 1
    assert [i["title"] for i in everything["items"]] == [
        "Slow website 3", "Slow website 2", "Slow website 1", "API errors"]

    paged = viewer_api.get("/api/v1/incidents?per_page=2&page=2").get_json()
    assert (paged["page"], paged["per_page"], paged["total"], paged["pages"]) == (
        2, 2, 4, 2)
    assert [i["title"] for i in paged["items"]] == ["Slow website 1", "API errors"]

    def titles(query):
        response = viewer_api.get("/api/v1/incidents?" + query)
        assert response.status_code == 200
        return [i["title"] for i in response.get_json()["items"]]

    assert titles("q=api") == ["API errors"]
    assert titles("severity=SEV4&q=2") == ["Slow website 2"]
    assert titles("component=api") == ["API errors"]
    assert titles("tag=capacity") == ["API errors"]
    assert titles("status=resolved") == []
    assert titles("page=9") == []


@pytest.mark.parametrize("query, field", [
    ("status=down", "status"),
    ("severity=SEV9", "severity"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("per_page=101", "per_page"),
    ("per_page=0", "per_page"),
    ("per_page=lots", "per_page"),
    ("q=" + "x" * 201, "q"),
    ("q=a%00b", "q"),
])
def test_list_refuses_bad_filters(viewer_api, query, field):
    assert_error(viewer_api.get("/api/v1/incidents?" + query), 422, field)


def test_edit_with_current_version_saves_and_bumps_it(responder_api, incident,
                                                      components):
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}", json={
        "version": 1, "title": "API and website errors", "status": "monitoring",
        "mitigated_at": "2026-11-16T10:30:00Z", "components": ["api", "website"],
        "tags": ["capacity", "database"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version"] == 2
    assert body["durations"]["to_mitigate"] == 90 * 60
    stored = fresh(Incident, incident.id)
    assert (stored.title, stored.status, stored.version) == (
        "API and website errors", "monitoring", 2)
    assert stored.mitigated_at == at(90)
    assert stored.tags == ["capacity", "database"]
    assert sorted(a.component.slug for a in stored.affected) == ["api", "website"]


def test_what_get_returned_can_be_sent_back(responder_api, incident):
    """Read-only fields (id, durations, created_at…) are ignored, not refused."""
    read = responder_api.get(f"/api/v1/incidents/{incident.id}").get_json()
    read["summary"] = "Edited after reading"
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}", json=read)
    assert response.status_code == 200, response.get_json()
    assert fresh(Incident, incident.id).summary == "Edited after reading"
    assert response.get_json()["id"] == incident.id


def test_stale_version_is_409_and_keeps_the_first_save(responder_api, incident):
    path = f"/api/v1/incidents/{incident.id}"
    first = responder_api.patch(path, json={"version": 1, "tags": ["first"]})
    assert first.status_code == 200
    audits = audit_count()
    second = responder_api.patch(path, json={"version": 1, "title": "Second"})
    assert_error(second, 409, "version")
    assert second.get_json()["error"]["code"] == "conflict"
    stored = fresh(Incident, incident.id)
    assert (stored.title, stored.tags, stored.version) == ("API errors", ["first"], 2)
    assert audit_count() == audits


def test_edit_without_version_is_422(responder_api, incident):
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}",
                                   json={"title": "No version"})
    assert_error(response, 422, "version")
    assert fresh(Incident, incident.id).title == "API errors"


def test_unknown_fields_are_named(responder_api, incident):
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}", json={
        "version": 1, "title": "Renamed", "severty": "SEV1", "colour": "red"})
    assert_error(response, 422, "severty", "colour")
    assert fresh(Incident, incident.id).title == "API errors"


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"title": None}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"summary": "x" * 20_001}, "summary"),
    ({"title": 12}, "title"),
    ({"severity": "SEV9"}, "severity"),
    ({"impact": "apocalyptic"}, "impact"),
    ({"status": "down"}, "status"),
    ({"detection_source": "psychic"}, "detection_source"),
    ({"is_public": "maybe"}, "is_public"),
    ({"users_affected": "many"}, "users_affected"),
    ({"users_affected": 1.5}, "users_affected"),
    ({"users_affected": -1}, "users_affected"),
    ({"users_affected": 10**400}, "users_affected"),
    ({"percent_users_affected": 140}, "percent_users_affected"),
    ({"peak_user_reports": [1]}, "peak_user_reports"),
    ({"started_at": "2026-11-16T09:00:00"}, "started_at"),
    ({"started_at": "yesterday"}, "started_at"),
    ({"started_at": 1763283600}, "started_at"),
    ({"started_at": "0001-01-01T00:00:00+05:00"}, "started_at"),
    ({"started_at": "2099-01-01T00:00:00Z"}, "started_at"),
    ({"detected_at": "2026-11-16T08:00:00Z"}, "detected_at"),
    ({"resolved_at": "2026-11-16T08:59:00Z", "status": "resolved"}, "resolved_at"),
    ({"components": ["nope"]}, "components"),
    ({"components": "api"}, "components"),
    ({"components": [{"slug": "api", "status": "on_fire"}]}, "components"),
    ({"tags": [1, 2]}, "tags"),
    ({"tags": ["x" * 65]}, "tags"),
    ({"regions": {"eu": True}}, "regions"),
    ({"commander": "nobody@example.com"}, "commander"),
    ({"title": "a\x00b"}, "title"),
    ({"tags": ["ok", "a\ud800b"]}, "tags[1]"),
    ({"version": "one"}, "version"),
])
def test_bad_edits_are_422_naming_the_field_and_change_nothing(
        responder_api, incident, change, field):
    before = responder_api.get(f"/api/v1/incidents/{incident.id}").get_json()
    audits = audit_count()
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}",
                                   json={"version": 1} | change)
    assert_error(response, 422, field)
    assert responder_api.get(f"/api/v1/incidents/{incident.id}").get_json() == before
    assert audit_count() == audits


@pytest.mark.parametrize("data, field", [
    ({}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "t", "started_at": "2026-11-16T09:00:00"}, "started_at"),
    ({"title": "t", "started_at": "2026-11-16T09:00:00Z",
      "resolved_at": "2026-11-16T08:00:00Z", "status": "resolved"}, "resolved_at"),
    ({"title": "t", "severity": "sev1"}, "severity"),
    ({"title": "t", "percent_users_affected": "half"}, "percent_users_affected"),
    ({"title": "x" * 201}, "title"),
    ({"title": "t", "components": ["missing"]}, "components"),
    ({"title": "t", "owner": "me"}, "owner"),
])
def test_bad_declarations_are_422_and_store_nothing(responder_api, api_component,
                                                     data, field):
    audits = audit_count()
    assert_error(responder_api.post("/api/v1/incidents", json=data), 422, field)
    assert count(Incident) == 0
    assert count(AffectedComponent) == 0
    assert count(IncidentLabel) == 0
    assert audit_count() == audits


@pytest.mark.parametrize("payload, content_type", [
    ('{"title": "unterminated', "application/json"),
    ("", "application/json"),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
    ("title=form+data", "application/x-www-form-urlencoded"),
    ('{"title": "t"}', "text/plain"),
])
def test_malformed_bodies_are_refused(responder_api, payload, content_type):
    response = responder_api.post("/api/v1/incidents", data=payload,
                                  content_type=content_type)
    assert_error(response, 400, "body")  # malformed: see tests/api/test_answers.py
    assert count(Incident) == 0


@pytest.mark.parametrize("path", [
    "/api/v1/incidents/999", f"/api/v1/incidents/{2**31}",
    f"/api/v1/incidents/{10**30}", "/api/v1/incidents/abc", "/api/v1/incidents/-1",
])
def test_unknown_incident_is_404(viewer_api, path):
    assert_error(viewer_api.get(path), 404)


def test_patch_unknown_incident_is_404(responder_api):
    response = responder_api.patch(f"/api/v1/incidents/{10**30}",
                                   json={"version": 1, "title": "x"})
    assert_error(response, 404)


def test_commander_is_set_by_email(responder_api, incident, admin):
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}", json={
        "version": 1, "commander": admin.email})
    assert response.status_code == 200
    assert response.get_json()["commander"] == admin.email
    assert fresh(Incident, incident.id).commander_id == admin.id
