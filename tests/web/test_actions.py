"""Action item pages: the list across incidents, add, edit, quick status."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from postmortem.domain import actions
from postmortem.extensions import db
from postmortem.models import ActionItem
from postmortem.models.types import utcnow
from postmortem.web.actions.forms import ActionItemForm
from tests import factories

TODAY = utcnow().date()
GOOD = {"action-title": "Add a circuit breaker", "action-description": "Fail fast.",
        "action-owner": "ann", "action-kind": "mitigate", "action-priority": "P1",
        "action-status": "open", "action-due_date": "2026-12-01",
        "action-tracker_url": "https://tracker.example/OPS-1"}


def item(incident, actor, **data) -> ActionItem:
    created = actions.create(incident, {"title": "Follow up"} | data, actor)
    db.session.commit()
    return created


def _items() -> list[ActionItem]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ActionItem).order_by(ActionItem.id)))


def _row(html: str, title: str) -> str:
    return next(r for r in re.findall(r"<tr[ >].*?</tr>", html, re.S) if title in r)


# The list across incidents ------------------------------------------------

def test_index_lists_open_items_across_incidents(as_viewer, responder):
    one = factories.incident(responder, title="API outage")
    two = factories.incident(responder, title="Slow website")
    item(one, responder, title="Late fix", owner="ann",
         due_date=(TODAY - timedelta(days=2)).isoformat())
    item(two, responder, title="Upcoming fix", owner="bob", status="in_progress",
         due_date=(TODAY + timedelta(days=5)).isoformat())
    item(two, responder, title="Finished fix", status="done")

    response = as_viewer.get("/actions")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Finished fix" not in html
    assert html.index("Late fix") < html.index("Upcoming fix")  # overdue first
    late = _row(html, "Late fix")
    assert 'class="overdue"' in late and "Overdue" in late
    assert f'href="/incidents/{one.id}#action-items"' in late and "API outage" in late
    upcoming = _row(html, "Upcoming fix")
    assert "Overdue" not in upcoming and "overdue" not in upcoming
    assert "bob" in upcoming and "in progress" in upcoming and "Prevent" in late
    assert "P2" in late  # the priority badge
    assert "/actions/" not in html.split("<tbody>")[1]  # viewers get no buttons


def test_index_filters_by_owner(as_viewer, responder):
    incident = factories.incident(responder)
    item(incident, responder, title="Work for Ann", owner="ann")
    item(incident, responder, title="Work for Bob", owner="bob")
    html = as_viewer.get("/actions?owner=bob").get_data(as_text=True)
    assert "Work for Bob" in html and "Work for Ann" not in html
    assert '<option value="bob" selected>' in html
    html = as_viewer.get("/actions?owner=nobody").get_data(as_text=True)
    assert "No open action items for nobody" in html


def test_index_is_paginated(as_viewer, responder, app):
    incident = factories.incident(responder)
    size = app.config["PAGE_SIZE"]
    for n in range(size + 2):
        actions.create(incident, {"title": f"Item {n:03}"}, responder)
    db.session.commit()
    first = as_viewer.get("/actions").get_data(as_text=True)
    assert first.count("<strong>Item ") == size
    second = as_viewer.get("/actions?page=2").get_data(as_text=True)
    assert second.count("<strong>Item ") == 2
    assert as_viewer.get("/actions?page=-1").status_code == 200


# Adding ------------------------------------------------------------------------

def test_new_page_and_create(as_responder, responder):
    incident = factories.incident(responder)
    page = as_responder.get(f"/incidents/{incident.id}/actions/new")
    assert page.status_code == 200
    assert 'name="action-title"' in page.get_data(as_text=True)

    response = as_responder.post(f"/incidents/{incident.id}/actions", data=GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/incidents/{incident.id}#action-items"
    [stored] = _items()
    assert (stored.incident_id, stored.title, stored.description, stored.owner,
            stored.kind, stored.priority, stored.status, stored.due_date,
            stored.tracker_url) == (
        incident.id, "Add a circuit breaker", "Fail fast.", "ann", "mitigate", "P1",
        "open", date(2026, 12, 1), "https://tracker.example/OPS-1")


def test_create_with_only_a_title_uses_defaults(as_responder, responder):
    incident = factories.incident(responder)
    response = as_responder.post(f"/incidents/{incident.id}/actions",
                                 data={"action-title": "Write runbook"})
    assert response.status_code == 302
    [stored] = _items()
    assert (stored.kind, stored.priority, stored.status, stored.due_date,
            stored.tracker_url) == ("prevent", "P2", "open", None, None)


@pytest.mark.parametrize("change, field, message", [
    ({"action-title": ""}, "title", "This field is required."),
    ({"action-title": "t" * 201}, "title", "longer than 200"),
    ({"action-description": "d" * 10_001}, "description", "longer than 10000"),
    ({"action-owner": "o" * 121}, "owner", "longer than 120"),
    ({"action-kind": "blame"}, "kind", "Not a valid choice"),
    ({"action-priority": "P0"}, "priority", "Not a valid choice"),
    ({"action-status": "closed"}, "status", "Not a valid choice"),
    ({"action-due_date": "next week"}, "due_date", "Not a valid date"),
    ({"action-tracker_url": "javascript:alert(1)"}, "tracker_url", "http(s) URL"),
    ({"action-tracker_url": "https://x.io/" + "p" * 500}, "tracker_url",
     "longer than 500"),
])
def test_bad_add_comes_back_with_errors_and_text(as_responder, responder, change,
                                                 field, message):
    incident = factories.incident(responder)
    response = as_responder.post(f"/incidents/{incident.id}/actions",
                                 data=GOOD | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="action-{field}-error"' in html and message in html
    assert "New action item" in html  # the form page, not a bare redirect
    kept = "Fail fast." if field != "description" else 'value="Add a circuit breaker"'
    assert kept in html
    assert _items() == []


def test_add_to_unknown_incident_is_404(as_responder):
    assert as_responder.post("/incidents/999/actions", data=GOOD).status_code == 404
    assert as_responder.get("/incidents/999/actions/new").status_code == 404
    huge = "/incidents/99999999999999999999/actions"
    assert as_responder.post(huge, data=GOOD).status_code == 404
    assert _items() == []


# Editing -----------------------------------------------------------------------

def test_edit_page_shows_values_and_version(as_responder, responder):
    stored = item(factories.incident(responder), responder, title="Tune alerts",
                  owner="ann")
    html = as_responder.get(f"/actions/{stored.id}/edit").get_data(as_text=True)
    assert 'value="Tune alerts"' in html and 'value="ann"' in html
    assert 'name="action-version" type="hidden" value="1"' in html


def test_edit_saves(as_responder, responder):
    incident = factories.incident(responder)
    stored = item(incident, responder)
    response = as_responder.post(f"/actions/{stored.id}/edit",
                                 data=GOOD | {"action-version": "1",
                                              "action-status": "done"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/incidents/{incident.id}#action-items"
    [saved] = _items()
    assert (saved.title, saved.status, saved.version) == ("Add a circuit breaker",
                                                          "done", 2)
    assert saved.completed_at is not None


def test_stale_edit_is_a_conflict_that_keeps_the_text(as_responder, responder):
    stored = item(factories.incident(responder), responder, title="Original")
    actions.update(stored, {"title": "Someone else's title", "version": 1},
                   responder)
    db.session.commit()

    response = as_responder.post(f"/actions/{stored.id}/edit",
                                 data=GOOD | {"action-version": "1",
                                              "action-title": "My title"})
    html = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "changed by someone else" in html
    assert 'value="My title"' in html and "Fail fast." in html  # typed text kept
    assert "Someone else&#39;s title" in html  # and what is stored now
    assert 'name="action-version" type="hidden" value="2"' in html
    [unchanged] = _items()
    assert (unchanged.title, unchanged.version) == ("Someone else's title", 2)

    # Saving again, now knowingly over version 2, goes through.
    again = as_responder.post(f"/actions/{stored.id}/edit",
                              data=GOOD | {"action-version": "2",
                                           "action-title": "My title"})
    assert again.status_code == 302
    assert _items()[0].title == "My title"


@pytest.mark.parametrize("change, message", [
    ({"action-version": ""}, "is required"),
    ({"action-title": ""}, "This field is required."),
    ({"action-kind": "blame"}, "Not a valid choice"),
])
def test_bad_edit_changes_nothing(as_responder, responder, change, message):
    stored = item(factories.incident(responder), responder, title="Original")
    response = as_responder.post(f"/actions/{stored.id}/edit",
                                 data=GOOD | {"action-version": "1"} | change)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (_items()[0].title, _items()[0].version) == ("Original", 1)


def test_edit_unknown_item_is_404(as_responder):
    assert as_responder.get("/actions/999/edit").status_code == 404
    assert as_responder.post("/actions/999/edit", data=GOOD).status_code == 404


# Quick status changes ----------------------------------------------------------

def test_complete_and_reopen(as_responder, responder):
    incident = factories.incident(responder)
    stored = item(incident, responder)
    response = as_responder.post(f"/actions/{stored.id}/status",
                                 data={"status": "done"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/incidents/{incident.id}#action-items"
    assert (_items()[0].status, _items()[0].completed_at is not None) == ("done", True)
    as_responder.post(f"/actions/{stored.id}/status", data={"status": "open"})
    assert (_items()[0].status, _items()[0].completed_at) == ("open", None)


@pytest.mark.parametrize("target, expected", [
    ("/actions?owner=ann", "/actions?owner=ann"),
    ("https://evil.example/", "/incidents/{id}#action-items"),
    ("//evil.example", "/incidents/{id}#action-items"),
])
def test_status_change_returns_to_a_same_site_page(as_responder, responder, target,
                                                   expected):
    incident = factories.incident(responder)
    stored = item(incident, responder)
    response = as_responder.post(f"/actions/{stored.id}/status",
                                 data={"status": "in_progress", "next": target})
    assert response.headers["Location"] == expected.format(id=incident.id)


@pytest.mark.parametrize("data", [{"status": "finished"}, {}])
def test_bad_status_changes_nothing(as_responder, responder, data):
    stored = item(factories.incident(responder), responder)
    response = as_responder.post(f"/actions/{stored.id}/status", data=data)
    assert response.status_code == 422
    assert "status" in response.get_data(as_text=True)
    assert _items()[0].status == "open"


def test_status_of_unknown_item_is_404(as_responder):
    response = as_responder.post("/actions/999/status", data={"status": "done"})
    assert response.status_code == 404


def test_viewers_cannot_change_action_items(as_viewer, responder):
    incident = factories.incident(responder)
    stored = item(incident, responder, title="Original")
    for method, path, data in [
        ("get", f"/incidents/{incident.id}/actions/new", None),
        ("post", f"/incidents/{incident.id}/actions", GOOD),
        ("get", f"/actions/{stored.id}/edit", None),
        ("post", f"/actions/{stored.id}/edit", GOOD | {"action-version": "1"}),
        ("post", f"/actions/{stored.id}/status", {"status": "done"}),
    ]:
        assert getattr(as_viewer, method)(path, data=data).status_code == 403, path
    [unchanged] = _items()
    assert (unchanged.title, unchanged.status, unchanged.version) == (
        "Original", "open", 1)


# The incident page's section -----------------------------------------------------

def _section(app, user, incident, form=None) -> str:
    with app.test_request_context(f"/incidents/{incident.id}"):
        login_user(user)
        return render_template(
            "actions/_section.html", incident=incident,
            action_items=actions.for_incident(incident),
            action_form=form or ActionItemForm(), today=TODAY)


def test_section_for_responders(app, responder):
    incident = factories.incident(responder)
    late = item(incident, responder, title="Late fix",
                due_date=(TODAY - timedelta(days=1)).isoformat())
    done = item(incident, responder, title="Done fix", status="done",
                due_date=(TODAY - timedelta(days=1)).isoformat())

    html = _section(app, responder, incident)

    late_row, done_row = _row(html, "Late fix"), _row(html, "Done fix")
    assert 'class="overdue"' in late_row and "Overdue" in late_row
    assert "Overdue" not in done_row  # finished work is never overdue
    assert f'action="/actions/{late.id}/status"' in late_row
    assert 'value="done"' in late_row and 'value="open"' not in late_row
    assert 'value="open"' in done_row  # reopen
    assert f'href="/actions/{done.id}/edit"' in done_row
    assert f'action="/incidents/{incident.id}/actions"' in html
    assert 'name="action-title"' in html
    assert f'name="next" value="/incidents/{incident.id}#action-items"' in html


def test_section_for_viewers_reads_only(app, responder, viewer):
    incident = factories.incident(responder)
    item(incident, responder, title="Some fix")
    html = _section(app, viewer, incident)
    assert "Some fix" in html
    assert "/status" not in html and "/edit" not in html
    assert 'name="action-title"' not in html


def test_section_without_items(app, responder):
    html = _section(app, responder, factories.incident(responder))
    assert "No action items yet." in html
