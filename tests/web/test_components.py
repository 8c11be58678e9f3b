"""Component pages: everyone signed in reads, admins add, edit and delete."""

import re

import pytest
import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import AffectedComponent, AuditEntry, Component
from tests import factories

GOOD = {"name": "Payments API", "slug": "payments-api", "group": "Platform",
        "position": "3", "description": "Card and invoice payments."}


def _components() -> dict[str, Component]:
    return {c.slug: c for c in db.session.scalars(sa.select(Component))}


def _row(html: str, name: str) -> str:
    """The table row naming `name`."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if name in row)


def test_index_groups_orders_and_shows_current_status(as_viewer, responder):
    factories.component("Website", slug="website", group="Web", position=2)
    factories.component("Login", slug="login", group="Web", position=1)
    factories.component("API", slug="api", group="Platform")
    factories.component("Docs", slug="docs")
    factories.incident(responder, components=[{"slug": "api",
                                                "status": "major_outage"}])
    factories.incident(responder, status="resolved",
                       components=[{"slug": "website", "status": "major_outage"}])

    response = as_viewer.get("/components")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    # Ungrouped first, then groups by name, positions within a group.
    names = ("<strong>Docs<", ">Platform<", "<strong>API<", ">Web<", "<strong>Login<",
             "<strong>Website<")
    order = [html.index(name) for name in names]
    assert order == sorted(order)
    assert "major outage" in _row(html, "<strong>API")
    assert "badge-component-operational" in _row(html, "<strong>Website")
    assert "New component" not in html and "/edit" not in html  # viewers read only


def test_admin_sees_manage_links(as_admin):
    component = factories.component("API", slug="api")
    html = as_admin.get("/components").get_data(as_text=True)
    assert f"/components/{component.id}/edit" in html
    assert f"/components/{component.id}/delete" in html
    assert "/components/new" in html


def test_create_component(as_admin, admin):
    assert as_admin.get("/components/new").status_code == 200
    response = as_admin.post("/components/new", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/components"
    stored = _components()["payments-api"]
    assert (stored.name, stored.group, stored.position, stored.description) == (
        "Payments API", "Platform", 3, "Card and invoice payments.")
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "component.create"))
    assert (entry.user_id, entry.entity_id) == (admin.id, stored.id)
    assert "Payments API" in as_admin.get("/components").get_data(as_text=True)


def test_create_without_slug_or_group_makes_them(as_admin):
    response = as_admin.post("/components/new", data={"name": "iOS App"})
    assert response.status_code == 302
    stored = _components()["ios-app"]
    assert (stored.group, stored.position) == (None, 0)


@pytest.mark.parametrize("change, field, message", [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "n" * 101}, "name", "longer than 100"),
    ({"slug": "Not A Slug!"}, "slug", "must be lowercase letters"),
    ({"slug": "s" * 65}, "slug", "longer than 64"),
    ({"description": "d" * 2001}, "description", "longer than 2000"),
    ({"position": "-1"}, "position", "between 0 and 10000"),
    ({"position": "first"}, "position", "Not a valid integer"),
    # Past a float's range: must be a form error, not an OverflowError (500).
    ({"position": "9" * 400}, "position", "between 0 and 10000"),
    ({"group": "g" * 101}, "group", "longer than 100"),
])
def test_create_refuses_bad_input(as_admin, change, field, message):
    response = as_admin.post("/components/new", data=GOOD | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert _components() == {}
    kept = "name" if field == "description" else "description"
    assert GOOD[kept] in html  # what was typed is kept


def test_duplicate_slug_is_a_field_error(as_admin):
    factories.component("Payments", slug="payments-api")
    response = as_admin.post("/components/new", data=GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="slug-error"' in html
    assert "is already used by another component" in html
    assert [c.name for c in _components().values()] == ["Payments"]


def test_edit_component(as_admin):
    component = factories.component("API", slug="api")
    page = as_admin.get(f"/components/{component.id}/edit").get_data(as_text=True)
    assert 'value="api"' in page
    response = as_admin.post(f"/components/{component.id}/edit",
                             data=GOOD | {"name": "Public API", "slug": "api"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Component, component.id)
    assert (stored.name, stored.slug, stored.group) == ("Public API", "api",
                                                        "Platform")


def test_edit_to_a_taken_slug_changes_nothing(as_admin):
    factories.component("Website", slug="website")
    component = factories.component("API", slug="api")
    response = as_admin.post(f"/components/{component.id}/edit",
                             data={"name": "Renamed", "slug": "website"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is already used by another component" in html
    assert 'value="Renamed"' in html
    db.session.expire_all()
    assert db.session.get(Component, component.id).name == "API"


def test_delete_asks_first_then_deletes(as_admin, responder):
    component = factories.component("API", slug="api")
    factories.incident(responder, components=["api"])
    page = as_admin.get(f"/components/{component.id}/delete")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 incident lists this component" in html
    assert "api" in _components()  # asking deletes nothing

    response = as_admin.post(f"/components/{component.id}/delete")
    assert response.status_code == 302
    assert _components() == {}
    assert db.session.scalar(sa.select(sa.func.count(AffectedComponent.id))) == 0


@pytest.mark.parametrize("path", ["/components/999/edit", "/components/999/delete",
                                  "/components/99999999999999999999/edit"])
def test_unknown_component_is_404(as_admin, path):
    assert as_admin.get(path).status_code == 404
    assert as_admin.post(path, data=GOOD).status_code == 404


@pytest.mark.parametrize("who", ["as_viewer", "as_responder"])
def test_only_admins_change_components(request, who):
    client = request.getfixturevalue(who)
    component = factories.component("API", slug="api")
    for path in ("/components/new", f"/components/{component.id}/edit",
                 f"/components/{component.id}/delete"):
        assert client.get(path).status_code == 403
        assert client.post(path, data=GOOD).status_code == 403
    assert client.get("/components").status_code == 200
    assert list(_components()) == ["api"]
    assert db.session.get(Component, component.id).name == "API"
