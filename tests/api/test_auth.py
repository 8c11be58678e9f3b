"""Who may call the API: Bearer tokens, the web session with CSRF, and roles."""

import re

import pytest

from postmortem import create_app
from postmortem.domain import accounts
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    Component,
    ImpactSample,
    Incident,
    StatusUpdate,
    TimelineEvent,
)
from tests import factories
from tests.api.helpers import Api, assert_error, count, fresh
from tests.conftest import login

NEW_INCIDENT = {"title": "Declared through the session"}


def assert_unauthorized(response):
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/incidents"), ("POST", "/api/v1/incidents"),
    ("GET", "/api/v1/incidents/1"), ("PATCH", "/api/v1/incidents/1"),
    ("GET", "/api/v1/components"), ("POST", "/api/v1/components"),
    ("DELETE", "/api/v1/components/api"), ("GET", "/api/v1/actions"),
])
def test_no_token_is_401(client, incident, method, path):
    body = None if method in ("GET", "DELETE") else {"title": "x", "name": "x"}
    assert_unauthorized(client.open(path, method=method, json=body))
    assert fresh(Incident, incident.id).title == "API errors"
    assert count(Incident) == count(Component) == 1


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer pm_not-a-real-token", "Token pm_abc",
    "Basic dXNlcjpwYXNz", "pm_abc", "Bearer\tpm_abc",
])
def test_malformed_or_unknown_token_is_401(client, responder, header):
    factories.token(responder)
    response = client.post("/api/v1/incidents", json=NEW_INCIDENT,
                           headers={"Authorization": header})
    assert_unauthorized(response)
    assert count(Incident) == 0


def test_revoked_token_is_401(client, responder):
    plain = factories.token(responder)
    api = Api(client, plain)
    assert api.get("/api/v1/incidents").status_code == 200
    [token] = accounts.tokens_of(responder)
    accounts.revoke_token(token.id, responder)
    db.session.commit()
    assert_unauthorized(api.get("/api/v1/incidents"))
    assert_unauthorized(api.post("/api/v1/incidents", json=NEW_INCIDENT))
    assert count(Incident) == 0


def test_token_of_a_deactivated_user_is_401(client, admin, responder):
    api = Api(client, factories.token(responder))
    accounts.update_user(responder, {"active": False}, admin)
    db.session.commit()
    assert_unauthorized(api.get("/api/v1/incidents"))


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def writes(incident_id, event_id, action_id):
    base = f"/api/v1/incidents/{incident_id}"
    sample = {"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1}
    return [
        ("POST", "/api/v1/incidents", NEW_INCIDENT),
        ("PATCH", base, {"title": "Viewer edit", "version": 1}),
        ("POST", f"{base}/updates", {"status": "identified", "message": "m"}),
        ("POST", f"{base}/events", {"text": "viewer note"}),
        ("PATCH", f"{base}/events/{event_id}", {"text": "viewer edit"}),
        ("DELETE", f"{base}/events/{event_id}", None),
        ("POST", f"{base}/impact-samples", sample),
        ("POST", f"{base}/actions", {"title": "viewer action"}),
        ("PATCH", f"/api/v1/actions/{action_id}", {"title": "viewer edit"}),
        ("POST", "/api/v1/components", {"name": "Viewer component"}),
        ("PATCH", "/api/v1/components/api", {"name": "Viewer edit"}),
        ("DELETE", "/api/v1/components/api", None),
    ]


def test_viewers_cannot_write_anything(viewer_api, responder_api, incident):
    event = responder_api.post(f"/api/v1/incidents/{incident.id}/events",
                               json={"text": "responder note"}).get_json()
    action = responder_api.post(f"/api/v1/incidents/{incident.id}/actions",
                                json={"title": "responder action"}).get_json()
    for method, path, body in writes(incident.id, event["id"], action["id"]):
        response = viewer_api.request(method, path, json=body)
        error = assert_error(response, 403)
        assert error["code"] == "forbidden", (method, path)
    assert count(Incident) == 1 and fresh(Incident, incident.id).title == "API errors"
    assert count(StatusUpdate) == count(ImpactSample) == 0
    assert [count(TimelineEvent), count(ActionItem), count(Component)] == [1, 1, 1]
    assert fresh(TimelineEvent, event["id"]).text == "responder note"
    assert fresh(ActionItem, action["id"]).title == "responder action"


def test_session_auth_reads(client, viewer, incident):
    login(client, viewer)
    response = client.get(f"/api/v1/incidents/{incident.id}")
    assert response.status_code == 200
    assert response.get_json()["title"] == "API errors"


@pytest.fixture
def csrf_client(app):
    """A client of an app that checks CSRF tokens, on the same database."""
    strict = create_app({
        "TESTING": True, "WTF_CSRF_ENABLED": True, "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
    })
    yield strict.test_client()
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()


def session_login(client, user) -> str:
    """Sign in through the real form; returns the session's CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={
        "email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return token


def test_session_writes_need_the_csrf_token(csrf_client, responder):
    token = session_login(csrf_client, responder)
    assert csrf_client.get("/api/v1/incidents").status_code == 200

    refused = csrf_client.post("/api/v1/incidents", json=NEW_INCIDENT)
    assert_error(refused, 400)
    assert refused.get_json()["error"]["code"] == "csrf"
    assert count(Incident) == 0

    accepted = csrf_client.post("/api/v1/incidents", json=NEW_INCIDENT,
                                headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()
    assert [i.title for i in db.session.query(Incident)] == [NEW_INCIDENT["title"]]


def test_bearer_tokens_need_no_csrf_token(csrf_client, responder):
    api = Api(csrf_client, factories.token(responder))
    assert api.post("/api/v1/incidents", json=NEW_INCIDENT).status_code == 201
    assert count(Incident) == 1
