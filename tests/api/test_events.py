"""/api/v1/incidents/<id>/events: the internal timeline."""

import pytest

from postmortem.domain import events
from postmortem.extensions import db
from postmortem.models import Incident, TimelineEvent
from tests import factories
from tests.api.helpers import assert_error, audit_count, count, fresh
from tests.factories import at


@pytest.fixture
def event(incident, responder):
    logged = events.add(incident, {"kind": "alert", "text": "5xx alert fired",
                                   "occurred_at": at(2)}, responder)
    db.session.commit()
    return logged


def test_add_event_is_stored_and_back_dated(responder_api, responder, incident):
    path = f"/api/v1/incidents/{incident.id}/events"
    response = responder_api.post(path, json={
        "occurred_at": "2026-11-16T10:25:00+01:00", "kind": "mitigation",
        "text": "Rolled back the *config push*", "key": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"{path}/{body['id']}"
    assert body["occurred_at"] == "2026-11-16T09:25:00+00:00"
    assert body["text_html"] == "<p>Rolled back the <em>config push</em></p>"
    assert (body["kind"], body["key"], body["author"]) == (
        "mitigation", True, responder.display_name)
    stored = fresh(TimelineEvent, body["id"])
    assert (stored.kind, stored.text, stored.key, stored.occurred_at) == (
        "mitigation", "Rolled back the *config push*", True, at(25))
    # A mitigation event marks the incident mitigated at its own time.
    assert fresh(Incident, incident.id).mitigated_at == at(25)


def test_list_get_edit_delete(responder_api, viewer_api, incident, event):
    base = f"/api/v1/incidents/{incident.id}/events"
    event_id = event.id
    responder_api.post(base, json={"text": "Later note",
                                   "occurred_at": at(30).isoformat()})
    listed = viewer_api.get(base).get_json()["items"]
    assert [e["text"] for e in listed] == ["5xx alert fired", "Later note"]
    assert listed[1]["kind"] == "note" and listed[1]["key"] is False

    one = viewer_api.get(f"{base}/{event.id}")
    assert one.status_code == 200 and one.get_json()["text"] == "5xx alert fired"

    edited = responder_api.patch(f"{base}/{event.id}", json={"key": True,
                                                              "text": "5xx *page*"})
    assert edited.status_code == 200, edited.get_json()
    stored = fresh(TimelineEvent, event.id)
    assert (stored.key, stored.text, stored.kind) == (True, "5xx *page*", "alert")
    assert stored.text_html == "<p>5xx <em>page</em></p>"
    assert edited.get_json()["text_html"] == stored.text_html

    deleted = responder_api.delete(f"{base}/{event_id}")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert fresh(TimelineEvent, event_id) is None
    assert_error(viewer_api.get(f"{base}/{event_id}"), 404)


@pytest.mark.parametrize("data, field", [
    ({}, "text"),
    ({"text": "  "}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"text": "t", "kind": "gossip"}, "kind"),
    ({"text": "t", "key": "starred"}, "key"),
    ({"text": "t", "occurred_at": "2026-11-16T09:00:00"}, "occurred_at"),
    ({"text": "t", "occurred_at": "2099-11-16T09:00:00Z"}, "occurred_at"),
    ({"text": "t", "kind": "mitigation", "occurred_at": "2026-11-16T08:00:00Z"},
     "occurred_at"),
    ({"text": "t", "author": "me", "pinned": True}, "pinned"),
])
def test_bad_events_are_422_and_store_nothing(responder_api, incident, data, field):
    audits = audit_count()
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/events",
                                  json=data)
    assert_error(response, 422, field)
    assert count(TimelineEvent) == 0
    assert fresh(Incident, incident.id).mitigated_at is None
    assert audit_count() == audits


@pytest.mark.parametrize("data, field", [
    ({"text": ""}, "text"),
    ({"kind": "gossip"}, "kind"),
    ({"occurred_at": "16/11/2026"}, "occurred_at"),
    ({"colour": "red"}, "colour"),
])
def test_bad_event_edits_are_422_and_change_nothing(responder_api, incident, event,
                                                    data, field):
    response = responder_api.patch(
        f"/api/v1/incidents/{incident.id}/events/{event.id}", json=data)
    assert_error(response, 422, field)
    stored = fresh(TimelineEvent, event.id)
    assert (stored.text, stored.kind, stored.occurred_at) == (
        "5xx alert fired", "alert", at(2))


def test_event_of_another_incident_or_unknown_is_404(responder_api, responder,
                                                     incident, event):
    other = factories.incident(responder)
    for path in (f"/api/v1/incidents/{other.id}/events/{event.id}",
                 f"/api/v1/incidents/{incident.id}/events/999",
                 f"/api/v1/incidents/{incident.id}/events/{10**30}",
                 f"/api/v1/incidents/{10**30}/events/{event.id}"):
        assert_error(responder_api.get(path), 404)
        assert_error(responder_api.patch(path, json={"text": "hijack"}), 404)
        assert_error(responder_api.delete(path), 404)
    assert fresh(TimelineEvent, event.id).text == "5xx alert fired"


def test_what_get_returned_can_be_sent_back(responder_api, incident, event):
    path = f"/api/v1/incidents/{incident.id}/events/{event.id}"
    read = responder_api.get(path).get_json()
    read["key"] = True
    response = responder_api.patch(path, json=read)
    assert response.status_code == 200, response.get_json()
    stored = fresh(TimelineEvent, event.id)
    assert (stored.key, stored.text, stored.occurred_at) == (
        True, "5xx alert fired", at(2))
