"""Admin pages: users, API tokens and the audit log."""

import re

import pytest
import sqlalchemy as sa
from flask import g

from postmortem.domain import accounts, audit
from postmortem.extensions import db
from postmortem.models import ApiToken, AuditEntry, User
from tests import factories
from tests.conftest import login

NEW_USER = {"email": "Grace@Example.com", "name": "Grace", "role": "responder",
            "password": "a fine password"}


def _user(email: str) -> User | None:
    db.session.expire_all()
    return accounts.user_by_email(email)


def _sign_out(client) -> None:
    """Sign out, and check it: a signed-in client's login POST redirects
    whatever the password, so a later login proves nothing otherwise."""
    assert client.post("/logout").status_code == 302
    refused = client.get("/admin/users")
    assert refused.status_code == 302 and refused.headers["Location"].startswith(
        "/login")


def _signed_in_as(client) -> str:
    return client.get("/account").get_data(as_text=True)


def _tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))


# Users ---------------------------------------------------------------------

def test_users_are_listed(as_admin, admin, viewer):
    response = as_admin.get("/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert admin.email in html and viewer.email in html
    assert f"/admin/users/{viewer.id}/edit" in html
    assert "badge-role-viewer" in html


def test_create_user(as_admin, client):
    assert as_admin.get("/admin/users/new").status_code == 200
    response = as_admin.post("/admin/users/new", data=NEW_USER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    grace = _user("grace@example.com")
    assert (grace.name, grace.role, grace.active) == ("Grace", "responder", True)
    assert grace.password_hash != NEW_USER["password"]
    _sign_out(client)
    signed_in = client.post("/login", data={"email": "grace@example.com",
                                            "password": "a fine password"})
    assert signed_in.status_code == 302
    assert "grace@example.com" in _signed_in_as(client)


@pytest.mark.parametrize("change, field, message", [
    ({"email": ""}, "email", "This field is required."),
    ({"email": "grace"}, "email", "Invalid email address."),
    ({"email": "g" * 250 + "@x.io"}, "email", "longer than 254"),
    ({"role": "superuser"}, "role", "Not a valid choice"),
    ({"password": "short"}, "password", "between 8 and 200"),
    ({"password": ""}, "password", "This field is required."),
    ({"name": "n" * 121}, "name", "longer than 120"),
])
def test_create_user_refuses_bad_input(as_admin, change, field, message):
    response = as_admin.post("/admin/users/new", data=NEW_USER | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert _user("grace@example.com") is None
    if field != "name":
        assert 'value="Grace"' in html


def test_create_user_with_a_taken_email(as_admin, viewer):
    response = as_admin.post("/admin/users/new",
                             data=NEW_USER | {"email": viewer.email.upper()})
    assert response.status_code == 422
    assert "is already registered" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_edit_role_name_and_reset_password(as_admin, viewer, client):
    page = as_admin.get(f"/admin/users/{viewer.id}/edit").get_data(as_text=True)
    assert f'value="{viewer.email}"' in page
    assert 'type="password"' in page and factories.PASSWORD not in page
    response = as_admin.post(f"/admin/users/{viewer.id}/edit", data={
        "email": viewer.email, "name": "Vera", "role": "responder",
        "password": "brand new secret", "active": "y"})
    assert response.status_code == 302
    stored = _user(viewer.email)
    assert (stored.name, stored.role, stored.active) == ("Vera", "responder", True)
    _sign_out(client)
    login(client, stored, password="brand new secret")
    assert viewer.email in _signed_in_as(client)
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "user.update"))
    assert entry.changes["role"] == ["viewer", "responder"]
    assert "brand new secret" not in str(entry.changes)


def test_empty_password_keeps_the_old_one(as_admin, viewer, client):
    old_hash = viewer.password_hash
    response = as_admin.post(f"/admin/users/{viewer.id}/edit", data={
        "email": viewer.email, "name": "Vera", "role": "viewer",
        "password": "", "active": "y"})
    assert response.status_code == 302
    stored = _user(viewer.email)
    assert (stored.name, stored.password_hash) == ("Vera", old_hash)
    _sign_out(client)
    login(client, viewer)  # the factory password still works
    assert viewer.email in _signed_in_as(client)


def test_deactivate_another_user(as_admin, responder, app):
    response = as_admin.post(f"/admin/users/{responder.id}/edit", data={
        "email": responder.email, "name": responder.name, "role": "responder"})
    assert response.status_code == 302  # the unchecked box deactivates
    assert _user(responder.email).active is False
    assert "Deactivated" in as_admin.get("/admin/users").get_data(as_text=True)
    # Requests in tests share the fixture's app context, and with it the
    # signed-in user Flask-Login caches in `g`; a new visitor starts without.
    g.pop("_login_user", None)
    other = app.test_client()
    refused = other.post("/login", data={"email": responder.email,
                                         "password": factories.PASSWORD})
    assert refused.status_code == 422


@pytest.mark.parametrize("change, message", [
    ({"role": "responder"}, "you cannot remove your own admin role"),
    ({"active": ""}, "you cannot deactivate yourself"),
])
def test_an_admin_cannot_demote_or_deactivate_themself(as_admin, admin, change,
                                                       message):
    data = {"email": admin.email, "name": "Changed name", "role": "admin",
            "active": "y"} | change
    data = {k: v for k, v in data.items() if v != ""}
    response = as_admin.post(f"/admin/users/{admin.id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'class="error"' in html
    assert 'value="Changed name"' in html
    stored = _user(admin.email)
    assert (stored.role, stored.active, stored.name) == ("admin", True, admin.name)


def test_edit_to_a_taken_email_changes_nothing(as_admin, viewer, responder):
    response = as_admin.post(f"/admin/users/{viewer.id}/edit", data={
        "email": responder.email, "name": "x", "role": "viewer", "active": "y"})
    assert response.status_code == 422
    assert "is already registered" in response.get_data(as_text=True)
    assert _user(viewer.email).name == viewer.name


def test_unknown_user_is_404(as_admin):
    assert as_admin.get("/admin/users/999/edit").status_code == 404
    assert as_admin.post("/admin/users/999/edit", data=NEW_USER).status_code == 404
    assert as_admin.get("/admin/users/99999999999999999999/edit").status_code == 404


@pytest.mark.parametrize("who", ["as_viewer", "as_responder"])
def test_only_admins_manage_users(request, who, admin):
    client = request.getfixturevalue(who)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403
    assert client.post("/admin/users/new", data=NEW_USER).status_code == 403
    assert client.post(f"/admin/users/{admin.id}/edit",
                       data=NEW_USER | {"role": "viewer"}).status_code == 403
    assert _user("grace@example.com") is None
    assert _user(admin.email).role == "admin"


# Tokens --------------------------------------------------------------------

def _shown_token(html: str) -> str:
    return re.search(r'<p class="token" id="new-token">(pm_[^<]+)</p>', html)[1]


def test_anyone_signed_in_creates_a_token_shown_once(as_viewer, viewer):
    page = as_viewer.get("/admin/tokens")
    assert page.status_code == 200
    response = as_viewer.post("/admin/tokens", data={"name": "Status bot"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    plain = _shown_token(html)
    assert "shown only this once" in html
    [token] = _tokens()
    assert (token.name, token.user_id, token.prefix) == ("Status bot", viewer.id,
                                                         plain[:10])
    assert token.token_hash != plain and plain not in token.token_hash
    assert accounts.user_for_token(plain).id == viewer.id
    listing = as_viewer.get("/admin/tokens").get_data(as_text=True)
    assert "Status bot" in listing and plain not in listing
    assert plain[:10] in listing


def test_token_name_too_long(as_viewer):
    response = as_viewer.post("/admin/tokens", data={"name": "n" * 81})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in html and "longer than 80" in html
    assert _tokens() == []


def test_revoke_own_token(as_viewer, viewer):
    plain = factories.token(viewer)
    [token] = _tokens()
    response = as_viewer.post(f"/admin/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert _tokens()[0].revoked_at is not None
    assert accounts.user_for_token(plain) is None
    html = as_viewer.get("/admin/tokens").get_data(as_text=True)
    assert f"/admin/tokens/{token.id}/revoke" not in html


def test_revoke_is_post_only(as_viewer, viewer):
    factories.token(viewer)
    [token] = _tokens()
    assert as_viewer.get(f"/admin/tokens/{token.id}/revoke").status_code == 405
    assert _tokens()[0].revoked_at is None


def test_users_cannot_see_or_revoke_others_tokens(as_viewer, responder):
    factories.token(responder)
    [token] = _tokens()
    html = as_viewer.get("/admin/tokens").get_data(as_text=True)
    assert responder.email not in html and "Everyone" not in html
    assert as_viewer.post(f"/admin/tokens/{token.id}/revoke").status_code == 404
    assert _tokens()[0].revoked_at is None


def test_admins_see_and_revoke_everyones_tokens(as_admin, responder):
    plain = factories.token(responder)
    [token] = _tokens()
    html = as_admin.get("/admin/tokens").get_data(as_text=True)
    assert "Everyone" in html and responder.email in html
    assert as_admin.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    assert accounts.user_for_token(plain) is None


def test_revoke_unknown_token_is_404(as_admin):
    assert as_admin.post("/admin/tokens/999/revoke").status_code == 404
    assert as_admin.post("/admin/tokens/99999999999999999999/revoke").status_code \
        == 404


# Audit log -----------------------------------------------------------------

def test_audit_log_newest_first_with_readable_changes(as_admin, admin, viewer):
    accounts.update_user(viewer, {"role": "responder", "name": "Vera"}, admin)
    db.session.commit()
    response = as_admin.get("/admin/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("user.update") < html.index("user.create")
    row = re.search(r"<tr>\s*<td><time[^<]*</time></td>\s*<td>([^<]*)</td>\s*"
                    r"<td><code>user.update</code></td>\s*<td>User #(\d+)</td>"
                    r"(.*?)</tr>", html, re.S)
    assert row[1] == admin.display_name and int(row[2]) == viewer.id
    assert "viewer → responder" in row[3]


def test_audit_log_filters_by_entity_type(as_admin, admin):
    factories.component("API", slug="api")
    html = as_admin.get("/admin/audit?entity_type=Component").get_data(as_text=True)
    assert "component.create" in html and "user.create" not in html
    html = as_admin.get("/admin/audit?entity_type=Nothing").get_data(as_text=True)
    assert "No entries for Nothing" in html


def test_audit_log_is_paginated(as_admin, admin, app):
    for n in range(app.config["PAGE_SIZE"] + 5):
        audit.record(admin, "test.step", admin, {"n": n})
    db.session.commit()
    first = as_admin.get("/admin/audit").get_data(as_text=True)
    assert first.count("<code>test.step</code>") == app.config["PAGE_SIZE"]
    assert "page=2" in first
    second = as_admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<code>test.step</code>") == 5
    assert "user.create" in second
    for page in ("0", "-3", "abc", "999999999999999999999"):
        assert as_admin.get(f"/admin/audit?page={page}").status_code == 200


@pytest.mark.parametrize("who", ["as_viewer", "as_responder"])
def test_only_admins_read_the_audit_log(request, who):
    assert request.getfixturevalue(who).get("/admin/audit").status_code == 403
