"""/api/v1/components: everyone reads, admins write."""

import pytest

from postmortem.models import AffectedComponent, Component, Incident
from tests import factories
from tests.api.helpers import assert_error, audit_count, count, fresh


def test_list_shows_status_derived_from_open_incidents(viewer_api, responder,
                                                       api_component,
                                                       website_component):
    factories.incident(responder, components=[{"slug": "api",
                                               "status": "major_outage"}])
    factories.incident(responder, components=["website"], status="resolved",
                       resolved_at=factories.at(30))
    response = viewer_api.get("/api/v1/components")
    assert response.status_code == 200
    items = {c["slug"]: c for c in response.get_json()["items"]}
    assert items["api"]["status"] == "major_outage"
    assert items["website"]["status"] == "operational"
    assert set(items["website"]) == {"id", "name", "slug", "description", "group",
                                     "position", "status", "created_at",
                                     "updated_at"}
    assert (items["website"]["name"], items["website"]["group"]) == ("Website", "Web")


def test_admin_creates_edits_and_deletes(admin_api, viewer_api, responder):
    created = admin_api.post("/api/v1/components", json={
        "name": "iOS app", "description": "The iPhone app", "group": "Apps",
        "position": 2})
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"] == "/api/v1/components/ios-app"
    assert created.get_json()["status"] == "operational"
    stored = fresh(Component, created.get_json()["id"])
    assert (stored.name, stored.slug, stored.group, stored.position) == (
        "iOS app", "ios-app", "Apps", 2)

    edited = admin_api.patch("/api/v1/components/ios-app",
                             json={"name": "iPhone app", "slug": "iphone"})
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["slug"], fresh(Component, stored.id).name) == (
        "iphone", "iPhone app")
    assert viewer_api.get("/api/v1/components/iphone").get_json()["name"] == \
        "iPhone app"
    assert_error(viewer_api.get("/api/v1/components/ios-app"), 404)

    incident = factories.incident(responder, components=["iphone"])
    deleted = admin_api.delete("/api/v1/components/iphone")
    assert deleted.status_code == 204
    assert count(Component) == 0
    assert count(AffectedComponent) == 0
    assert fresh(Incident, incident.id) is not None


def test_responders_cannot_write_components(responder_api, api_component):
    assert_error(responder_api.post("/api/v1/components", json={"name": "X"}), 403)
    assert_error(responder_api.patch("/api/v1/components/api", json={"name": "X"}),
                 403)
    assert_error(responder_api.delete("/api/v1/components/api"), 403)
    assert fresh(Component, api_component.id).name == "API"
    assert count(Component) == 1


@pytest.mark.parametrize("data, field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "API 2", "slug": "api"}, "slug"),
    ({"name": "API"}, "name"),  # a duplicate name: on the name field
    ({"name": "N", "slug": "Not A Slug"}, "slug"),
    ({"name": "N", "position": -1}, "position"),
    ({"name": "N", "position": "first"}, "position"),
    ({"name": "N", "description": "x" * 2001}, "description"),
    ({"name": "N", "status": "operational", "icon": "x"}, "icon"),
])
def test_bad_components_are_422_and_store_nothing(admin_api, api_component, data,
                                                  field):
    audits = audit_count()
    assert_error(admin_api.post("/api/v1/components", json=data), 422, field)
    assert count(Component) == 1
    assert audit_count() == audits


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"slug": "website"}, "slug"),
    ({"slug": "-bad-"}, "slug"),
    ({"group": "x" * 101}, "group"),
])
def test_bad_component_edits_are_422(admin_api, api_component, website_component,
                                     data, field):
    assert_error(admin_api.patch("/api/v1/components/api", json=data), 422, field)
    stored = fresh(Component, api_component.id)
    assert (stored.name, stored.slug, stored.group) == ("API", "api", None)


@pytest.mark.parametrize("slug", ["nope", "a%00b", "UPPER", "x" * 300])
def test_unknown_component_is_404(admin_api, slug):
    path = f"/api/v1/components/{slug}"
    assert_error(admin_api.get(path), 404)
    assert_error(admin_api.patch(path, json={"name": "x"}), 404)
    assert_error(admin_api.delete(path), 404)


def test_what_get_returned_can_be_sent_back(admin_api, api_component):
    read = admin_api.get("/api/v1/components/api").get_json()
    read["description"] = "Public REST API"
    response = admin_api.patch("/api/v1/components/api", json=read)
    assert response.status_code == 200, response.get_json()
    assert fresh(Component, api_component.id).description == "Public REST API"
