"""Components: create/update/delete and the status derived from open incidents."""

import pytest

from postmortem.domain import components, updates
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.extensions import db
from postmortem.models import Component
from tests import factories
from tests.factories import at


def test_create_derives_the_slug(admin):
    created = components.create_component(
        {"name": "  iOS App (beta) ", "group": "Apps", "position": "3",
         "description": "The iPhone app"}, admin)
    db.session.commit()
    stored = db.session.get(Component, created.id)
    assert (stored.name, stored.slug, stored.group, stored.position) == (
        "iOS App (beta)", "ios-app-beta", "Apps", 3)
    assert components.by_slug("ios-app-beta") == stored


def test_list_puts_ungrouped_first_then_groups_by_position(admin):
    b = factories.component("B", group="Web", position=2)
    a = factories.component("A", group="Web", position=1)
    lone = factories.component("Status API")
    apps = factories.component("iOS", group="Apps")
    assert components.list_components() == [lone, apps, a, b]


@pytest.mark.parametrize("data, field", [
    ({}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "API", "slug": "Not A Slug"}, "slug"),
    ({"name": "API", "slug": "a" * 65}, "slug"),
    ({"name": "API", "position": -1}, "position"),
    ({"name": "API", "position": 1.5}, "position"),
    ({"name": "API", "position": "first"}, "position"),
    ({"name": "API", "group": "g" * 101}, "group"),
    ({"name": "API", "slug": "website"}, "slug"),
    ({"name": "Website"}, "name"),  # a duplicate name: on the name field
])
def test_bad_input_is_refused(admin, data, field):
    factories.component("Website", slug="website")
    with pytest.raises(ValidationError) as caught:
        components.create_component(data, admin)
    assert field in caught.value.fields
    assert [c.slug for c in components.list_components()] == ["website"]


def test_update_checks_the_slug_and_delete_removes(admin):
    api = factories.component("API", slug="api")
    factories.component("Website", slug="website")
    components.update_component(api, {"name": "Public API", "slug": "api"}, admin)
    assert (api.name, api.slug) == ("Public API", "api")
    with pytest.raises(ValidationError) as caught:
        components.update_component(api, {"slug": "website"}, admin)
    assert caught.value.fields == {"slug": "is already used by another component"}
    assert api.slug == "api"
    components.delete_component(api, admin)
    db.session.commit()
    with pytest.raises(NotFound):
        components.by_slug("api")


def test_by_slugs_names_the_unknown_ones(admin):
    api = factories.component("API", slug="api")
    assert components.by_slugs(["api"], "components") == {"api": api}
    assert components.by_slugs([], "components") == {}
    with pytest.raises(ValidationError) as caught:
        components.by_slugs(["api", "nope", "gone"], "components")
    assert caught.value.fields == {"components": "unknown component: nope, gone"}


def test_current_statuses_come_from_open_incidents_only(responder):
    api = factories.component("API", slug="api")
    web = factories.component("Website", slug="website")
    ios = factories.component("iOS app", slug="ios-app")
    factories.component("Desktop app", slug="desktop-app")
    assert components.current_statuses() == {}
    open_one = factories.incident(responder, components=[
        "website", {"slug": "api", "status": "degraded_performance"}])
    factories.incident(responder, components=[
        {"slug": "api", "status": "major_outage"},
        {"slug": "website", "status": "under_maintenance"}])
    closed = factories.incident(responder, components=[
        {"slug": "ios-app", "status": "major_outage"}], status="resolved",
        resolved_at=at(30))
    assert closed.is_resolved
    assert components.current_statuses() == {
        api.id: "major_outage", web.id: "partial_outage"}
    updates.post(open_one, {"status": "resolved", "message": "ok",
                            "posted_at": at(50)}, responder)
    db.session.commit()
    assert components.current_statuses() == {
        api.id: "major_outage", web.id: "under_maintenance"}
    assert ios.id not in components.current_statuses()


def test_a_private_incident_shows_in_statuses_only_to_those_who_may_see_it(
        responder, viewer, admin):
    api = factories.component("API", slug="api")
    factories.incident(responder, is_public=False, title="Quiet breach",
                       components=[{"slug": "api", "status": "major_outage"}])
    assert components.current_statuses(viewer) == {}
    assert components.current_statuses(responder) == {api.id: "major_outage"}
    assert components.current_statuses(admin) == {api.id: "major_outage"}
