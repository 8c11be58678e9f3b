"""Sessions end when they should: sign-out, password change, reset,
deactivation and "sign out everywhere" stop copied session and remember
cookies; signed-in pages are not cached; an expired form keeps its text."""

import re
import types
from datetime import UTC, datetime, timedelta

import itsdangerous.timed
import pytest
import sqlalchemy as sa

from postmortem.domain import accounts
from postmortem.extensions import db
from postmortem.models import TimelineEvent
from tests import factories
from tests.conftest import RequestClient, login
from tests.web.test_security import _app_like, _csrf_login, _csrf_token


def _signed_in(client) -> bool:
    return client.get("/components").status_code == 200


def _stays_signed_in(client) -> bool:
    """Signed in now and on the next request (a session restored from a
    remember cookie must last beyond its first request)."""
    return _signed_in(client) and _signed_in(client)


def _twin(app, client, *names):
    """Another browser holding copies of `client`'s cookies named `names`."""
    app.test_client_class = RequestClient
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def _login_remembered(client, user):
    response = client.post("/login", data={"email": user.email, "remember": "y",
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_sign_out_ends_copied_cookies(app, client, responder, cookie):
    _login_remembered(client, responder)
    copy = _twin(app, client, cookie)
    assert _stays_signed_in(copy)
    client.post("/logout")
    assert not _signed_in(copy)
    assert not _signed_in(client)


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_admin_password_reset_ends_every_session(app, client, responder, admin,
                                                 cookie):
    _login_remembered(client, responder)
    copy = _twin(app, client, cookie)
    assert _stays_signed_in(copy)
    accounts.update_user(responder, {"password": "a brand new one"}, admin)
    db.session.commit()
    assert not _signed_in(copy)
    assert not _signed_in(client)


def test_deactivation_ends_remember_cookies(app, client, responder, admin):
    _login_remembered(client, responder)
    copy = _twin(app, client, "remember_token")
    assert _stays_signed_in(copy)
    accounts.update_user(responder, {"active": False}, admin)
    accounts.update_user(responder, {"active": True}, admin)
    db.session.commit()
    assert not _signed_in(copy)


def test_changing_your_password_keeps_this_session_only(app, client, responder):
    _login_remembered(client, responder)
    elsewhere = _twin(app, client, "session", "remember_token")
    assert _stays_signed_in(elsewhere)
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "new password 1",
        "confirm": "new password 1"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(elsewhere)
    fresh = _twin(app, client)
    login(fresh, responder, password="new password 1")


@pytest.mark.parametrize("change, message", [
    ({"current_password": "not it"}, "is not your current password"),
    ({"confirm": "something else"}, "Passwords must match"),
    ({"new_password": "short", "confirm": "short"}, "between 8 and 200"),
])
def test_password_change_refuses_bad_input(as_responder, responder, change, message):
    before = responder.password_hash
    data = {"current_password": factories.PASSWORD, "new_password": "new password 1",
            "confirm": "new password 1"} | change
    response = as_responder.post("/account/password", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(responder)
    assert responder.password_hash == before
    assert _signed_in(as_responder)


def test_account_page_offers_sign_out_everywhere(as_viewer):
    html = as_viewer.get("/account").get_data(as_text=True)
    assert "Change your password" in html
    assert 'action="/account/sign-out-everywhere"' in html
    assert "signed in in 1 browser" in html


def test_sign_out_everywhere(app, client, viewer):
    _login_remembered(client, viewer)
    laptop = _twin(app, client, "session", "remember_token")
    assert _stays_signed_in(laptop)
    response = client.post("/account/sign-out-everywhere")
    assert response.headers["Location"] == "/login"
    assert not _signed_in(client)
    assert not _signed_in(laptop)


def test_account_page_needs_sign_in(client, viewer):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_keep_me_signed_in_outlives_the_browser_session(app, client, responder):
    _login_remembered(client, responder)
    reopened = _twin(app, client, "remember_token")  # the session cookie gone
    assert all(_signed_in(reopened) for _ in range(3))


def test_remember_cookie_lasts_30_days_at_most(client, responder):
    response = _login_remembered(client, responder)
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", cookie)[1]
    when = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert when <= datetime.now(UTC) + timedelta(days=30, minutes=1)


def test_a_cookie_naming_a_user_id_signs_no_one_in(app, client, admin):
    """Cookies from before session keys (they held the user id) stop working."""
    with client.session_transaction() as session:
        session["_user_id"] = str(admin.id)
        session["_fresh"] = True
    assert not _signed_in(client)


# Caching ----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/incidents", "/components", "/account",
                                  "/admin/tokens", "/actions"])
def test_signed_in_pages_are_not_stored(as_viewer, path):
    response = as_viewer.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_are_not_stored(client, viewer):
    token = factories.token(viewer)
    response = client.get("/api/v1/incidents",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")


# An expired form ----------------------------------------------------------------

@pytest.fixture
def later(monkeypatch):
    """Move the clock CSRF tokens are checked against 13 hours ahead."""
    def ahead():
        monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(
            time=lambda: datetime.now(UTC).timestamp() + 13 * 3600))
    return ahead


def test_csrf_tokens_outlive_a_long_shift(app):
    limit = _app_like(app).config["WTF_CSRF_TIME_LIMIT"]
    assert limit >= 12 * 3600


def test_an_expired_form_keeps_the_text_and_can_be_sent_again(app, admin, later):
    client = _app_like(app, WTF_CSRF_ENABLED=True).test_client()
    _csrf_login(client, admin)
    incident = factories.incident(admin)
    page = f"/incidents/{incident.id}"
    token = _csrf_token(client, page, field="event-csrf_token")
    later()
    text = "Rolled back the deploy\nafter a long shift"
    response = client.post(f"{page}/events", data={
        "event-csrf_token": token, "event-kind": "action", "event-text": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form expired" in html and "Your text is kept" in html
    assert text in html
    assert db.session.scalar(sa.select(sa.func.count(TimelineEvent.id))) == 0
    fresh = re.search(r'name="event-csrf_token" value="([^"]+)"', html)[1]
    assert fresh != token
    again = client.post(f"{page}/events", data={
        "event-csrf_token": fresh, "event-kind": "action", "event-text": text})
    assert again.status_code == 302
    assert db.session.scalar(sa.select(TimelineEvent.text)) == text


def test_a_forged_token_is_still_refused_plainly(app, admin):
    client = _app_like(app, WTF_CSRF_ENABLED=True).test_client()
    _csrf_login(client, admin)
    incident = factories.incident(admin)
    response = client.post(f"/incidents/{incident.id}/events", data={
        "event-csrf_token": "forged", "event-text": "x"})
    assert response.status_code == 400
    assert "The form expired" not in response.get_data(as_text=True)


def test_an_admin_resetting_their_own_password_stays_signed_in(app, client, admin):
    login(client, admin)
    elsewhere = _twin(app, client, "session")
    response = client.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "name": admin.name, "role": "admin",
        "password": "my new admin pw", "active": "y"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(elsewhere)
