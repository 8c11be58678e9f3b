"""Action items: create, edit with versions, completion and overdue."""

from datetime import date

import pytest

from postmortem.domain import actions
from postmortem.domain.errors import Conflict, NotFound, ValidationError
from postmortem.extensions import db
from postmortem.models import ActionItem
from tests import factories

TODAY = date(2026, 11, 22)


def item(incident, actor, **data):
    return actions.create(incident, {"title": "Add an alert"} | data, actor)


def test_create_stores_every_field(responder, incident):
    created = actions.create(incident, {
        "title": "  Alert on cross-platform error rate ", "description": "Why",
        "owner": "Observability", "kind": "detect", "priority": "P1",
        "due_date": "2026-11-20", "tracker_url": "https://tracker.example.com/OPS-1",
    }, responder)
    db.session.commit()
    stored = db.session.get(ActionItem, created.id)
    assert (stored.title, stored.owner, stored.kind, stored.priority, stored.status) \
        == ("Alert on cross-platform error rate", "Observability", "detect", "P1",
            "open")
    assert stored.due_date == date(2026, 11, 20)
    assert stored.tracker_url == "https://tracker.example.com/OPS-1"
    assert stored.completed_at is None
    assert stored.incident_id == incident.id


def test_defaults(responder, incident):
    created = item(incident, responder)
    assert (created.kind, created.priority, created.status, created.due_date,
            created.tracker_url, created.owner) == ("prevent", "P2", "open", None,
                                                    None, "")


@pytest.mark.parametrize("data, field", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "t", "kind": "fix"}, "kind"),
    ({"title": "t", "priority": "P0"}, "priority"),
    ({"title": "t", "status": "closed"}, "status"),
    ({"title": "t", "due_date": "next week"}, "due_date"),
    ({"title": "t", "due_date": "2026-11-20T10:00:00Z"}, "due_date"),
    ({"title": "t", "due_date": 20261120}, "due_date"),
    ({"title": "t", "tracker_url": "javascript:alert(1)"}, "tracker_url"),
    ({"title": "t", "tracker_url": "tracker/OPS-1"}, "tracker_url"),
    ({"title": "t", "owner": "o" * 121}, "owner"),
])
def test_bad_input_is_refused_and_nothing_stored(responder, incident, data, field):
    with pytest.raises(ValidationError) as caught:
        actions.create(incident, data, responder)
    assert field in caught.value.fields
    assert actions.for_incident(incident) == []


def test_done_sets_completed_at_and_reopening_clears_it(responder, incident):
    created = item(incident, responder)
    db.session.commit()
    actions.update(created, {"status": "done", "version": created.version}, responder)
    db.session.commit()
    done_at = created.completed_at
    assert done_at is not None
    actions.update(created, {"status": "wont_do"}, responder)
    assert created.completed_at == done_at
    actions.update(created, {"status": "in_progress"}, responder)
    db.session.commit()
    assert created.completed_at is None
    assert db.session.get(ActionItem, created.id).status == "in_progress"


def test_created_done_is_completed(responder, incident):
    assert item(incident, responder, status="done").completed_at is not None


def test_update_is_partial_and_checks_the_version(responder, incident):
    created = item(incident, responder, owner="SRE", priority="P1")
    db.session.commit()
    actions.update(created, {"title": "Renamed", "version": 1}, responder)
    db.session.commit()
    assert (created.title, created.owner, created.priority, created.version) == (
        "Renamed", "SRE", "P1", 2)
    with pytest.raises(Conflict):
        actions.update(created, {"title": "Stale", "version": 1}, responder)
    db.session.rollback()
    assert db.session.get(ActionItem, created.id).title == "Renamed"
    with pytest.raises(ValidationError) as caught:
        actions.update(created, {"title": "", "version": 2}, responder)
    assert "title" in caught.value.fields
    assert created.title == "Renamed"


def test_get(responder, incident):
    created = item(incident, responder)
    assert actions.get(created.id, responder) is created
    assert actions.get(str(created.id), responder) is created
    for bad in ("abc", None, 10**30, 999):
        with pytest.raises(NotFound):
            actions.get(bad, responder)


def test_overdue_and_open_items_across_incidents(responder, incident):
    other = factories.incident(responder)
    late = item(incident, responder, title="Late", due_date="2026-11-20")
    soon = item(other, responder, title="Soon", due_date="2026-11-25",
                status="in_progress", owner="Web")
    item(incident, responder, title="Done late", due_date="2026-11-01", status="done")
    item(incident, responder, title="Dropped", due_date="2026-11-01",
         status="wont_do")
    undated = item(other, responder, title="Undated", priority="P1")
    db.session.commit()
    assert actions.overdue_count(responder, TODAY) == 1
    assert late.is_overdue(TODAY) and not soon.is_overdue(TODAY)
    assert not undated.is_overdue(TODAY)
    open_items = db.session.scalars(actions.open_items_query(None, responder)).all()
    assert open_items == [late, soon, undated]
    web = db.session.scalars(actions.open_items_query("Web", responder)).all()
    assert web == [soon]


def test_for_incident_orders_by_priority(responder, incident):
    p3 = item(incident, responder, priority="P3")
    p1 = item(incident, responder, priority="P1")
    assert actions.for_incident(incident) == [p1, p3]
