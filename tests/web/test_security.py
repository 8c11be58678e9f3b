"""Headers, cookies, CSRF, hashing and roles on the pages of this area."""

import hashlib
import re

import pytest
import sqlalchemy as sa

from postmortem import create_app
from postmortem.domain import actions
from postmortem.extensions import db
from postmortem.models import ActionItem, ApiToken, Component, User
from tests import factories

PASSWORD = factories.PASSWORD


def _app_like(app, **config):
    """Another app on the test database, with `config` on top."""
    return create_app({
        "TESTING": True, "SECRET_KEY": "security-test",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
    } | config)


@pytest.fixture
def csrf_client(app):
    """A client of an app that enforces CSRF, as production does."""
    return _app_like(app, WTF_CSRF_ENABLED=True).test_client()


def _csrf_token(client, path: str, field: str = "csrf_token") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(rf'name="{field}" type="hidden" value="([^"]+)"', html)[1]


def _csrf_login(client, user) -> None:
    token = _csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


# Headers and cookies ----------------------------------------------------------

@pytest.mark.parametrize("path", ["/login", "/components", "/admin/tokens"])
def test_security_headers(as_admin, path):
    headers = as_admin.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(client, responder):
    response = client.post("/login", data={"email": responder.email,
                                           "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test app turns Secure off


def test_session_cookie_is_secure_when_configured(app, responder):
    client = _app_like(app, SESSION_COOKIE_SECURE=True).test_client()
    response = client.post("/login", data={"email": responder.email,
                                           "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_the_default_config_makes_cookies_secure(app, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    defaults = create_app({"SQLALCHEMY_DATABASE_URI":
                           app.config["SQLALCHEMY_DATABASE_URI"]})
    assert defaults.config["SESSION_COOKIE_SECURE"] is True
    assert defaults.config["SESSION_COOKIE_HTTPONLY"] is True
    assert defaults.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert defaults.config.get("WTF_CSRF_ENABLED", True) is True


# CSRF ------------------------------------------------------------------------

def test_login_without_csrf_token_is_refused(csrf_client, responder):
    response = csrf_client.post("/login", data={"email": responder.email,
                                                "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert csrf_client.get("/components").status_code == 302  # not signed in


def test_login_with_csrf_token_works(csrf_client, responder):
    _csrf_login(csrf_client, responder)
    assert csrf_client.get("/components").status_code == 200


def test_writes_without_csrf_token_are_refused(csrf_client, admin):
    _csrf_login(csrf_client, admin)
    component = factories.component("API", slug="api")
    incident = factories.incident(admin)
    item = actions.create(incident, {"title": "Original"}, admin)
    db.session.commit()
    for path, data in [
        ("/components/new", {"name": "Sneaky"}),
        (f"/components/{component.id}/delete", {}),
        ("/admin/users/new", {"email": "x@example.com", "password": "long enough",
                              "role": "admin"}),
        ("/admin/tokens", {"name": "sneaky"}),
        (f"/incidents/{incident.id}/actions", {"action-title": "Sneaky"}),
        (f"/actions/{item.id}/status", {"status": "done"}),
        (f"/actions/{item.id}/edit", {"action-title": "Sneaky",
                                      "action-version": "1"}),
        ("/logout", {}),
    ]:
        assert csrf_client.post(path, data=data).status_code == 400, path
        bad = data | {"csrf_token": "forged"}
        assert csrf_client.post(path, data=bad).status_code == 400, path
    db.session.expire_all()
    assert [c.slug for c in db.session.scalars(sa.select(Component))] == ["api"]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    [stored] = db.session.scalars(sa.select(ActionItem))
    assert (stored.title, stored.status) == ("Original", "open")
    assert csrf_client.get("/components").status_code == 200  # still signed in


def test_writes_with_csrf_token_work(csrf_client, admin):
    _csrf_login(csrf_client, admin)
    token = _csrf_token(csrf_client, "/components/new")
    response = csrf_client.post("/components/new", data={"name": "API",
                                                         "csrf_token": token})
    assert response.status_code == 302
    incident = factories.incident(admin)
    # The action item form is prefixed, so it can share the incident page.
    token = _csrf_token(csrf_client, f"/incidents/{incident.id}/actions/new",
                        field="action-csrf_token")
    response = csrf_client.post(f"/incidents/{incident.id}/actions",
                                data={"action-title": "Fix", "action-csrf_token":
                                      token})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ActionItem.title)) == "Fix"


# Secrets at rest ---------------------------------------------------------------

def test_passwords_are_stored_hashed(as_admin):
    as_admin.post("/admin/users/new", data={"email": "new@example.com",
                                            "role": "viewer",
                                            "password": "plain text secret"})
    row = db.session.execute(sa.text(
        "SELECT * FROM \"user\" WHERE email = 'new@example.com'")).one()
    assert "plain text secret" not in repr(tuple(row))
    stored = db.session.scalar(sa.select(User.password_hash)
                               .where(User.email == "new@example.com"))
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_tokens_are_stored_only_as_a_hash(as_viewer):
    html = as_viewer.post("/admin/tokens", data={"name": "bot"}).get_data(
        as_text=True)
    plain = re.search(r'class="token" id="new-token">(pm_[^<]+)<', html)[1]
    row = db.session.execute(sa.text("SELECT * FROM api_token")).one()
    assert plain not in repr(tuple(row))
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()


# Roles -------------------------------------------------------------------------

def _write_urls(component, incident, item, user):
    return [
        ("/components/new", {"name": "X"}),
        (f"/components/{component.id}/edit", {"name": "X"}),
        (f"/components/{component.id}/delete", {}),
        ("/admin/users/new", {"email": "x@example.com", "password": "long enough"}),
        (f"/admin/users/{user.id}/edit", {"email": "x@example.com", "role": "admin"}),
        (f"/incidents/{incident.id}/actions", {"action-title": "X"}),
        (f"/actions/{item.id}/edit", {"action-title": "X", "action-version": "1"}),
        (f"/actions/{item.id}/status", {"status": "done"}),
    ]


def test_viewers_get_403_on_every_write(as_viewer, viewer, admin):
    component = factories.component("API", slug="api")
    incident = factories.incident(admin)
    item = actions.create(incident, {"title": "Original"}, admin)
    db.session.commit()
    for path, data in _write_urls(component, incident, item, admin):
        assert as_viewer.post(path, data=data).status_code == 403, path
    db.session.expire_all()
    assert db.session.get(Component, component.id).name == "API"
    assert db.session.get(ActionItem, item.id).status == "open"
    assert db.session.get(User, admin.id).role == "admin"
    assert db.session.get(User, viewer.id).role == "viewer"


@pytest.mark.parametrize("who", ["as_viewer", "as_responder"])
@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new",
                                  "/admin/audit", "/components/new"])
def test_non_admins_get_403_on_admin_pages(request, who, path):
    assert request.getfixturevalue(who).get(path).status_code == 403


def test_signed_out_writes_go_to_login(client, admin):
    component = factories.component("API", slug="api")
    response = client.post(f"/components/{component.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.get(Component, component.id) is not None
