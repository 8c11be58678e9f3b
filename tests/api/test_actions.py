"""Action items: /api/v1/incidents/<id>/actions, /api/v1/actions[/<id>]."""

from datetime import date, timedelta

import pytest

from postmortem.domain import actions
from postmortem.extensions import db
from postmortem.models import ActionItem
from postmortem.models.types import utcnow
from tests import factories
from tests.api.helpers import assert_error, audit_count, count, fresh

ACTION_KEYS = {"id", "incident_id", "title", "description", "owner", "kind",
               "priority", "status", "due_date", "tracker_url", "completed_at",
               "overdue", "version", "created_at", "updated_at", "url"}


@pytest.fixture
def item(incident, responder):
    created = actions.create(incident, {"title": "Add capacity alerts",
                                        "kind": "detect", "priority": "P1"},
                             responder)
    db.session.commit()
    return created


def test_create_action_item(responder_api, incident):
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/actions", json={
        "title": "Shed load before the database saturates",
        "description": "Rate-limit free tier first", "owner": "sre-team",
        "kind": "mitigate", "priority": "P1", "due_date": yesterday,
        "tracker_url": "https://tracker.example.com/OPS-42"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == ACTION_KEYS
    assert response.headers["Location"] == f"/api/v1/actions/{body['id']}"
    assert body["overdue"] is True
    assert (body["status"], body["completed_at"], body["version"]) == ("open", None, 1)
    stored = fresh(ActionItem, body["id"])
    assert (stored.title, stored.owner, stored.kind, stored.priority) == (
        "Shed load before the database saturates", "sre-team", "mitigate", "P1")
    assert stored.due_date == date.fromisoformat(yesterday)
    assert stored.tracker_url == "https://tracker.example.com/OPS-42"
    assert stored.incident_id == incident.id


def test_list_get_and_complete(responder_api, viewer_api, incident, item):
    listed = viewer_api.get(f"/api/v1/incidents/{incident.id}/actions").get_json()
    assert [a["title"] for a in listed["items"]] == ["Add capacity alerts"]
    assert viewer_api.get(f"/api/v1/actions/{item.id}").get_json()["kind"] == "detect"

    done = responder_api.patch(f"/api/v1/actions/{item.id}",
                               json={"status": "done", "version": 1})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["version"] == 2
    assert done.get_json()["completed_at"] is not None
    stored = fresh(ActionItem, item.id)
    assert stored.status == "done" and stored.completed_at is not None

    reopened = responder_api.patch(f"/api/v1/actions/{item.id}",
                                   json={"status": "in_progress"})
    assert reopened.status_code == 200, "version is optional for action items"
    assert fresh(ActionItem, item.id).completed_at is None


def test_stale_version_is_409(responder_api, item):
    assert responder_api.patch(f"/api/v1/actions/{item.id}", json={
        "owner": "alice", "version": 1}).status_code == 200
    response = responder_api.patch(f"/api/v1/actions/{item.id}", json={
        "owner": "bob", "version": 1})
    assert_error(response, 409, "version")
    assert fresh(ActionItem, item.id).owner == "alice"


def test_open_items_across_incidents(viewer_api, responder, incident, item):
    other = factories.incident(responder)
    due = actions.create(other, {"title": "Write runbook", "owner": "bob",
                                 "due_date": "2026-12-01"}, responder)
    actions.create(other, {"title": "Done already", "status": "done"}, responder)
    db.session.commit()
    everything = viewer_api.get("/api/v1/actions").get_json()
    assert [a["title"] for a in everything["items"]] == [
        "Write runbook", "Add capacity alerts"]
    assert everything["total"] == 2
    bobs = viewer_api.get("/api/v1/actions?owner=bob&per_page=1").get_json()
    assert [a["id"] for a in bobs["items"]] == [due.id]
    assert_error(viewer_api.get("/api/v1/actions?per_page=500"), 422, "per_page")
    assert_error(viewer_api.get("/api/v1/actions?page=-2"), 422, "page")


@pytest.mark.parametrize("data, field", [
    ({}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "t", "kind": "pray"}, "kind"),
    ({"title": "t", "priority": "P0"}, "priority"),
    ({"title": "t", "status": "later"}, "status"),
    ({"title": "t", "due_date": "next week"}, "due_date"),
    ({"title": "t", "due_date": 20261201}, "due_date"),
    ({"title": "t", "tracker_url": "javascript:alert(1)"}, "tracker_url"),
    ({"title": "t", "tracker_url": "https://x/" + "a" * 500}, "tracker_url"),
    ({"title": "t", "owner": "x" * 121}, "owner"),
    ({"title": "t", "assignee": "me"}, "assignee"),
])
def test_bad_action_items_are_422_and_store_nothing(responder_api, incident, data,
                                                    field):
    audits = audit_count()
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/actions",
                                  json=data)
    assert_error(response, 422, field)
    assert count(ActionItem) == 0
    assert audit_count() == audits


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"),
    ({"status": "finished"}, "status"),
    ({"version": None}, "version"),
    ({"version": "v1"}, "version"),
    ({"incident": 2}, "incident"),
])
def test_bad_action_edits_are_422_and_change_nothing(responder_api, item, data,
                                                     field):
    assert_error(responder_api.patch(f"/api/v1/actions/{item.id}", json=data),
                 422, field)
    stored = fresh(ActionItem, item.id)
    assert (stored.title, stored.status, stored.version) == (
        "Add capacity alerts", "open", 1)


def test_unknown_action_item_is_404(responder_api):
    for path in ("/api/v1/actions/5", f"/api/v1/actions/{10**30}"):
        assert_error(responder_api.get(path), 404)
        assert_error(responder_api.patch(path, json={"title": "x"}), 404)
    assert_error(responder_api.post("/api/v1/incidents/9/actions",
                                    json={"title": "x"}), 404)


def test_what_get_returned_can_be_sent_back(responder_api, item):
    read = responder_api.get(f"/api/v1/actions/{item.id}").get_json()
    read["owner"] = "carol"
    response = responder_api.patch(f"/api/v1/actions/{item.id}", json=read)
    assert response.status_code == 200, response.get_json()
    stored = fresh(ActionItem, item.id)
    assert (stored.owner, stored.title, stored.version) == (
        "carol", "Add capacity alerts", 2)
