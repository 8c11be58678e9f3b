"""First run, sign in and sign out through the real forms."""

import pytest
import sqlalchemy as sa

from postmortem.domain import accounts
from postmortem.extensions import db
from postmortem.models import Incident, User
from tests import factories
from tests.conftest import login

GATED = ["/", "/incidents", "/actions", "/components", "/components/new",
         "/admin/users", "/admin/tokens", "/admin/audit", "/login"]
SETUP = {"name": "Ada Admin", "email": "Ada@Example.com",
         "password": "long enough pw", "confirm": "long enough pw"}


def _users() -> list[User]:
    return list(db.session.scalars(sa.select(User)))


@pytest.mark.parametrize("path", GATED)
def test_without_users_every_page_goes_to_setup(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"


def test_setup_creates_the_first_admin_and_signs_in(client):
    page = client.get("/setup")
    assert page.status_code == 200
    assert "Create the first admin" in page.get_data(as_text=True)

    response = client.post("/setup", data=SETUP)  # load_demo unchecked

    assert response.status_code == 302
    assert response.headers["Location"] == "/incidents"
    [user] = _users()
    assert (user.email, user.name, user.role) == ("ada@example.com", "Ada Admin",
                                                  "admin")
    assert user.password_hash != SETUP["password"]
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 0
    assert client.get("/admin/users").status_code == 200  # signed in, as admin


def test_setup_can_load_the_demo(client, monkeypatch):
    loaded = []
    monkeypatch.setattr("postmortem.web.auth.routes.demo.load",
                        lambda user: loaded.append(user.email))
    response = client.post("/setup", data=SETUP | {"load_demo": "y"})
    assert response.status_code == 302
    assert loaded == ["ada@example.com"]


def test_setup_offers_the_demo_checked(client):
    html = client.get("/setup").get_data(as_text=True)
    assert 'name="load_demo"' in html and "checked" in html


@pytest.mark.parametrize("change, field_error", [
    ({"email": ""}, "This field is required."),
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"password": "short", "confirm": "short"}, "between 8 and 200 characters"),
    ({"confirm": "something else"}, "Passwords must match"),
    ({"name": "n" * 121}, "longer than 120"),
])
def test_setup_refuses_bad_input_and_keeps_the_text(client, change, field_error):
    response = client.post("/setup", data=SETUP | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error in html
    assert 'class="error"' in html
    assert _users() == []
    if change.get("email") != "":
        assert "value=\"" + (change.get("email") or SETUP["email"]) + "\"" in html


def test_after_setup_setup_is_closed(client, admin):
    assert client.get("/setup").status_code == 302
    response = client.post("/setup", data=SETUP | {"email": "intruder@example.com"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/incidents"
    assert [u.email for u in _users()] == [admin.email]


def test_login_with_email_and_password(client, responder):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
    response = client.post("/login", data={"email": responder.email.upper(),
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/incidents"
    assert client.get("/components").status_code == 200


@pytest.mark.parametrize("email, password", [
    ("RIGHT", "wrong password"),
    ("nobody@example.com", factories.PASSWORD),
])
def test_login_refuses_wrong_credentials(client, responder, email, password):
    email = responder.email if email == "RIGHT" else email
    response = client.post("/login", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wrong email or password." in html
    assert f'value="{email}"' in html  # the email is kept
    assert client.get("/components").status_code == 302


def test_login_requires_both_fields(client, responder):
    response = client.post("/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("This field is required.") == 2
    assert client.get("/components").status_code == 302


def test_deactivated_user_cannot_sign_in(client, admin, responder):
    accounts.update_user(responder, {"active": False}, admin)
    db.session.commit()
    response = client.post("/login", data={"email": responder.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/components").status_code == 302


def test_deactivation_ends_an_open_session(client, admin, responder):
    login(client, responder)
    assert client.get("/components").status_code == 200
    accounts.update_user(responder, {"active": False}, admin)
    db.session.commit()
    response = client.get("/components")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_signed_out_page_sends_to_login_with_next(client, responder):
    response = client.get("/components?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/components?x%3D1"


@pytest.mark.parametrize("target, expected", [
    ("/components", "/components"),
    ("/actions?owner=ann", "/actions?owner=ann"),
    ("//evil.example/x", "/incidents"),
    ("https://evil.example/", "/incidents"),
    ("/\\evil.example", "/incidents"),
    ("/\t/evil.example", "/incidents"),
    ("javascript:alert(1)", "/incidents"),
])
def test_next_only_allows_same_site_paths(client, responder, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"email": responder.email,
                                 "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_is_post_only(client, responder):
    login(client, responder)
    assert client.get("/logout").status_code == 405
    assert client.get("/components").status_code == 200  # still signed in
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/components").status_code == 302


def test_signed_in_user_visiting_login_goes_home(client, responder):
    login(client, responder)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/incidents"


def test_setup_with_the_real_demo_shows_an_incident(client):
    response = client.post("/setup", data=SETUP | {"load_demo": "y"})
    assert response.status_code == 302
    [incident] = db.session.scalars(sa.select(Incident))
    # The admin, and the demo post-mortem's author and reviewer.
    assert sorted(u.role for u in _users()) == ["admin", "responder", "responder"]
    open_items = client.get("/actions").get_data(as_text=True)
    assert incident.title in open_items  # the demo's follow-up work is listed
