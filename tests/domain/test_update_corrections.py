"""Correcting and deleting status updates: milestones move with the update
that caused them; the audit log keeps every earlier text."""

import pytest

from postmortem.domain import updates
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.extensions import db
from postmortem.models import AuditEntry, StatusUpdate
from tests.factories import at


def post(incident, user, status, minutes, **extra):
    update = updates.post(incident, {"status": status, "message": f"{status} msg",
                                     "posted_at": at(minutes)} | extra, user)
    db.session.commit()
    return update


def edit(update, user, **values):
    updates.edit(update, {"version": update.version} | values, user)
    db.session.commit()


def test_editing_the_text_marks_it_edited_and_keeps_the_old_text(responder,
                                                                  incident):
    update = post(incident, responder, "investigating", 14)
    edit(update, responder, message="We are aware of **errors**.")
    assert update.message_html == "<p>We are aware of <strong>errors</strong>.</p>"
    assert update.edited_at is not None and update.version == 2
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "status_update.edit")).one()
    assert entry.changes["message"] == ["investigating msg",
                                        "We are aware of **errors**."]


def test_an_edit_naming_an_old_version_is_refused(responder, incident):
    update = post(incident, responder, "investigating", 14)
    edit(update, responder, message="first fix")
    with pytest.raises(Conflict):
        updates.edit(update, {"version": 1, "message": "second fix"}, responder)
    with pytest.raises(ValidationError) as caught:
        updates.edit(update, {"message": "no version"}, responder)
    assert "version" in caught.value.fields


def test_moving_the_first_update_moves_the_acknowledgement(responder, incident):
    first = post(incident, responder, "investigating", 14)
    post(incident, responder, "identified", 40)
    edit(first, responder, posted_at=at(10))
    assert incident.acknowledged_at == at(10)
    edit(first, responder, posted_at=at(50))
    assert incident.acknowledged_at == at(40)
    assert incident.status == "investigating"  # now the newest


def test_deleting_the_resolution_reopens(responder, incident):
    post(incident, responder, "monitoring", 60)
    resolved = post(incident, responder, "resolved", 90)
    assert incident.resolved_at == at(90)
    updates.delete(resolved, {"version": resolved.version}, responder)
    db.session.commit()
    assert (incident.status, incident.resolved_at, incident.mitigated_at) == (
        "monitoring", None, at(60))
    assert all(a.ended_at is None for a in incident.affected)
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "status_update.delete")).one()
    assert entry.changes["message"] == "resolved msg"


def test_changing_an_update_status_moves_mitigation(responder, incident):
    post(incident, responder, "investigating", 14)
    fix = post(incident, responder, "monitoring", 60)
    post(incident, responder, "monitoring", 80)
    edit(fix, responder, status="identified")
    assert incident.mitigated_at == at(80)
    assert incident.status == "monitoring"


def test_deleting_the_only_update_forgets_the_acknowledgement(responder, incident):
    update = post(incident, responder, "investigating", 14)
    updates.delete(update, {"version": update.version}, responder)
    db.session.commit()
    assert incident.acknowledged_at is None
    assert db.session.scalars(db.select(StatusUpdate)).all() == []


def test_editing_component_changes_restatuses_the_components(responder, incident):
    update = post(incident, responder, "identified", 20,
                  component_statuses={"api": "degraded_performance"})
    assert {a.component.slug: a.status for a in incident.affected}["api"] \
        == "degraded_performance"
    edit(update, responder, component_statuses={"website": "major_outage"})
    statuses = {a.component.slug: a.status for a in incident.affected}
    assert statuses == {"api": "major_outage", "website": "major_outage"}


def test_the_result_does_not_depend_on_the_order_of_posting(responder, incident,
                                                             api_and_web):
    """Two orders of the same three updates give the same incident."""
    from tests import factories

    other = factories.incident(responder, components=[
        {"slug": "api", "status": "major_outage"}, "website"])
    for target, order in ((incident, (14, 60, 90)), (other, (90, 14, 60))):
        statuses = {14: "investigating", 60: "monitoring", 90: "resolved"}
        for minutes in order:
            post(target, responder, statuses[minutes], minutes)
    fields = ("status", "acknowledged_at", "mitigated_at", "resolved_at")
    assert [getattr(incident, f) for f in fields] == [
        getattr(other, f) for f in fields]
