"""Timeline events: kinds, stars, back-dating and the mitigation milestone."""

import pytest

from postmortem.domain import events
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.extensions import db
from postmortem.models import AuditEntry, TimelineEvent
from tests import factories
from tests.factories import at


def test_add_stores_a_back_dated_event_with_rendered_text(responder):
    incident = factories.incident(responder)
    event = events.add(incident, {
        "kind": "alert", "occurred_at": "2026-11-16T09:03:00Z", "key": "true",
        "text": "Checks **failing** <script>x()</script>"}, responder)
    db.session.commit()
    stored = db.session.get(TimelineEvent, event.id)
    assert (stored.kind, stored.occurred_at, stored.key) == ("alert", at(3), True)
    assert stored.author == responder
    assert "<strong>failing</strong>" in stored.text_html
    assert "<script" not in stored.text_html
    assert stored.text == "Checks **failing** <script>x()</script>"
    audit = db.session.scalars(
        db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (audit.action, audit.entity_id) == ("timeline_event.add", event.id)


def test_defaults_are_a_note_now_and_not_starred(responder):
    incident = factories.incident(responder)
    event = events.add(incident, {"text": "Looking"}, responder)
    assert (event.kind, event.key) == ("note", False)
    assert event.occurred_at > at(60 * 24)


def test_a_mitigation_event_marks_the_incident_mitigated_once(responder):
    incident = factories.incident(responder)
    events.add(incident, {"kind": "mitigation", "occurred_at": at(90),
                          "text": "Traffic drained"}, responder)
    assert incident.mitigated_at == at(90)
    events.add(incident, {"kind": "mitigation", "occurred_at": at(120),
                          "text": "Later step"}, responder)
    assert incident.mitigated_at == at(90)
    events.add(incident, {"kind": "mitigation", "occurred_at": at(70),
                          "text": "Earlier step, logged late"}, responder)
    assert incident.mitigated_at == at(70)
    events.add(incident, {"kind": "action", "occurred_at": at(20),
                          "text": "Not a mitigation"}, responder)
    assert incident.mitigated_at == at(70)


@pytest.mark.parametrize("data, field", [
    ({}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"text": 42}, "text"),
    ({"text": "t", "kind": "panic"}, "kind"),
    ({"text": "t", "occurred_at": "2026-11-16T09:03:00"}, "occurred_at"),
    ({"text": "t", "occurred_at": "16/11/2026"}, "occurred_at"),
    ({"text": "t", "occurred_at": "2099-01-01T00:00:00Z"}, "occurred_at"),
    ({"text": "t", "key": "maybe"}, "key"),
    ({"text": "t", "kind": "mitigation", "occurred_at": "2026-11-16T08:00:00Z"},
     "occurred_at"),
])
def test_bad_input_is_refused_and_nothing_is_stored(responder, data, field):
    incident = factories.incident(responder)
    with pytest.raises(ValidationError) as caught:
        events.add(incident, data, responder)
    assert field in caught.value.fields
    assert events.for_incident(incident) == []
    assert incident.mitigated_at is None


def test_body_must_be_an_object(responder):
    incident = factories.incident(responder)
    with pytest.raises(ValidationError) as caught:
        events.add(incident, ["text"], responder)
    assert caught.value.fields == {"body": "must be a JSON object"}


def test_edit_rerenders_and_delete_removes(responder):
    incident = factories.incident(responder)
    event = events.add(incident, {"text": "old", "occurred_at": at(5)}, responder)
    events.edit(event, {"text": "*new*", "key": True}, responder)
    db.session.commit()
    assert (event.text, event.key, event.occurred_at) == ("*new*", True, at(5))
    assert event.text_html == "<p><em>new</em></p>"
    with pytest.raises(ValidationError):
        events.edit(event, {"kind": "nope"}, responder)
    assert event.kind == "note"
    events.delete(event, responder)
    db.session.commit()
    assert events.for_incident(incident) == []


def test_get_only_finds_events_of_that_incident(responder):
    one = factories.incident(responder)
    two = factories.incident(responder)
    event = events.add(one, {"text": "x"}, responder)
    assert events.get(one, event.id) is event
    assert events.get(one, str(event.id)) is event
    for incident, event_id in ((two, event.id), (one, "abc"), (one, 999), (one, -1)):
        with pytest.raises(NotFound):
            events.get(incident, event_id)


def test_for_incident_is_in_time_order(responder):
    incident = factories.incident(responder)
    late = events.add(incident, {"text": "late", "occurred_at": at(30)}, responder)
    early = events.add(incident, {"text": "early", "occurred_at": at(10)}, responder)
    assert events.for_incident(incident) == [early, late]


def test_editing_an_event_into_an_earlier_mitigation_moves_the_milestone(responder):
    incident = factories.incident(responder, mitigated_at=at(90))
    event = events.add(incident, {"text": "Rolled back", "occurred_at": at(60)},
                       responder)
    events.edit(event, {"kind": "mitigation"}, responder)
    db.session.commit()
    assert incident.mitigated_at == at(60)


def test_editing_a_mitigation_to_before_the_start_is_refused(responder):
    incident = factories.incident(responder)
    event = events.add(incident, {"text": "Rolled back", "kind": "mitigation",
                                  "occurred_at": at(30)}, responder)
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        events.edit(event, {"occurred_at": "2026-11-16T08:00:00Z"}, responder)
    assert "occurred_at" in caught.value.fields
    db.session.rollback()
    assert db.session.get(TimelineEvent, event.id).occurred_at == at(30)
