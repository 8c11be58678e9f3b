"""One timeline merged from milestones, status updates and events."""

from postmortem.domain import events, timeline, updates
from tests.factories import at


def merged(incident):
    entries = timeline.merge(incident, events.for_incident(incident),
                             updates.for_incident(incident))
    return [(e.at, e.source, e.kind) for e in entries]


def test_entries_are_merged_in_time_order(responder, incident):
    events.add(incident, {"kind": "alert", "occurred_at": at(2), "text": "Alert"},
               responder)
    updates.post(incident, {"status": "investigating", "message": "Aware",
                            "posted_at": at(14)}, responder)
    events.add(incident, {"kind": "action", "occurred_at": at(30), "text": "Fix"},
               responder)
    updates.post(incident, {"status": "resolved", "message": "Done",
                            "posted_at": at(60)}, responder)
    assert merged(incident) == [
        (at(0), "milestone", "started_at"),
        (at(2), "event", "alert"),
        (at(4), "milestone", "detected_at"),
        (at(14), "milestone", "acknowledged_at"),
        (at(14), "update", "investigating"),
        (at(30), "event", "action"),
        (at(60), "milestone", "mitigated_at"),
        (at(60), "milestone", "resolved_at"),
        (at(60), "update", "resolved"),
    ]


def test_ties_put_milestones_then_updates_then_events_in_entry_order(responder,
                                                                     incident):
    second = events.add(incident, {"occurred_at": at(4), "text": "second"},
                        responder)
    first = events.add(incident, {"occurred_at": at(4), "text": "first"}, responder)
    update = updates.post(incident, {"status": "investigating", "message": "m",
                                     "posted_at": at(4)}, responder)
    entries = timeline.merge(incident, [first, second],
                             updates.for_incident(incident))
    assert [(e.source, e.kind, e.ref) for e in entries if e.at == at(4)] == [
        ("milestone", "detected_at", None),
        ("milestone", "acknowledged_at", None),
        ("update", "investigating", update.id),
        ("event", "note", second.id),
        ("event", "note", first.id),
    ]


def test_entries_carry_html_author_and_key(responder, incident):
    events.add(incident, {"occurred_at": at(5), "text": "**Starred** <b onclick=x>",
                          "key": True}, responder)
    events.add(incident, {"occurred_at": at(6), "text": "plain"}, None)
    entries = {e.at: e for e in timeline.merge(
        incident, events.for_incident(incident), [])}
    starred, plain, detected = entries[at(5)], entries[at(6)], entries[at(4)]
    assert starred.key and not plain.key and detected.key
    assert "<strong>Starred</strong>" in starred.html
    assert "onclick" not in starred.html
    assert starred.author == responder.display_name
    assert plain.author is None
    assert str(detected.html) == "Detected"
    assert detected.html.__html__() == "Detected"


def test_only_milestones_that_happened_appear(responder, incident):
    assert [(e.source, e.kind) for e in timeline.merge(incident, [], [])] == [
        ("milestone", "started_at"), ("milestone", "detected_at")]
