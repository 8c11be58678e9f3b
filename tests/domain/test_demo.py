"""The demo incident built from the seed articles, and loading it twice."""

from datetime import UTC, date, timedelta

import pytest

from postmortem.domain import (
    accounts,
    actions,
    charts,
    components,
    demo,
    events,
    impact,
    incidents,
    updates,
)
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    AuditEntry,
    Component,
    ImpactSample,
    Incident,
    StatusUpdate,
    TimelineEvent,
)
from tests import factories
from tests.factories import at

TODAY = date(2026, 11, 22)


@pytest.fixture
def loaded():
    steps = []
    incident = demo.load(None, progress=steps.append)
    db.session.commit()
    return incident, steps


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_components_with_groups(loaded):
    groups = {c.slug: c.group for c in components.list_components()}
    assert groups == {"website": "Web", "conversations": "Web", "ios-app": "Apps",
                      "android-app": "Apps", "desktop-app": "Apps",
                      "api": "Developer platform"}


def test_the_incident_and_its_scope(loaded):
    incident, _steps = loaded
    assert (incident.severity, incident.impact, incident.status,
            incident.detection_source) == ("SEV1", "critical", "resolved",
                                           "outage_tracker")
    assert incident.is_public and "demo" in incident.tags
    assert incident.started_at == at(0) and incident.started_at.weekday() == 0
    assert (incident.detected_at, incident.acknowledged_at, incident.mitigated_at,
            incident.resolved_at) == (at(6), at(14), at(125), at(190))
    assert incidents.durations(incident)["total"] == 190 * 60
    assert len(incident.regions) >= 3
    assert {"free", "paid"} <= set(incident.customer_tiers)
    assert {"web", "ios", "android", "desktop", "api"} <= set(incident.platforms)
    assert {a.component.slug for a in incident.affected} == {
        row[0] for row in demo.COMPONENTS}
    assert all(a.status == "operational" and a.ended_at == at(190)
               for a in incident.affected)
    assert components.current_statuses() == {}
    assert incident.peak_user_reports == 4210


def test_status_updates_tell_the_public_story(loaded):
    incident, _steps = loaded
    posted = list(reversed(updates.for_incident(incident)))
    assert [u.status for u in posted] == ["investigating", "identified",
                                          "monitoring", "resolved"]
    assert [u.posted_at for u in posted] == sorted(u.posted_at for u in posted)
    assert ("We are aware of issues affecting the service and are working urgently "
            "to resolve them") in posted[0].message
    assert "increasing percentage of users" in posted[2].message
    assert "post-mortem" in posted[3].message and "coming days" in posted[3].message
    first_changes = {c.component.slug: c.new_status
                     for c in posted[0].component_changes}
    assert first_changes["website"] == first_changes["api"] == "major_outage"
    assert {c.new_status for c in posted[3].component_changes} == {"operational"}


def test_timeline_events(loaded):
    incident, _steps = loaded
    logged = events.for_incident(incident)
    assert 12 <= len(logged) <= 20
    assert len({e.kind for e in logged}) >= 7
    assert 4 <= sum(e.key for e in logged) < len(logged)
    banner = [e for e in logged if e.kind == "communication"
              and "temporary service disruption" in e.text]
    assert len(banner) == 1 and "check back soon" in banner[0].text
    detection = next(e for e in logged if e.kind == "detection")
    assert detection.key and "outage tracker" in detection.text
    texts = " ".join([e.text for e in logged] + [incident.summary]).lower()
    assert "root cause" not in texts and "caused by" not in texts


def test_impact_samples_show_the_spike_and_the_recovery(loaded):
    incident, _steps = loaded
    data = impact.series(impact.for_incident(incident))
    assert set(data) == {"user_reports", "error_rate", "percent_restored",
                         "latency_ms"}
    for points in data.values():
        times = [moment for moment, _value in points]
        gaps = {b - a for a, b in zip(times, times[1:], strict=False)}
        assert gaps == {timedelta(minutes=5)}
    reports = dict(data["user_reports"])
    peak_at = max(reports, key=reports.get)
    assert at(0) < peak_at < at(60) and reports[peak_at] >= 3000
    assert reports[at(-5)] < 20 and reports[at(190)] < reports[peak_at] / 10
    restored = [value for _at, value in data["percent_restored"]]
    assert restored == sorted(restored) and restored[0] == 0 and restored[-1] == 100
    assert dict(data["percent_restored"])[at(125)] == pytest.approx(50, abs=15)
    latency = dict(data["latency_ms"])
    assert latency[at(180)] > 1.3 * latency[at(-5)]  # the residual tail
    svg = charts.impact_chart(impact.for_incident(incident), incident)
    assert svg.count('class="series"') == 4
    assert "User reports peaked at 4,210 at 09:35 UTC" in svg


def test_action_items(loaded):
    incident, _steps = loaded
    items = actions.for_incident(incident)
    assert 5 <= len(items) <= 7
    assert {i.kind for i in items} == {"prevent", "mitigate", "detect", "process"}
    assert all(i.owner and i.priority and i.due_date for i in items)
    assert [i.title for i in items if i.is_overdue(TODAY)] == [
        "Alert on cross-platform error rate before users report it"]
    done = [i for i in items if i.status == "done"]
    # The demo post-mortem is approved, so publishing it is done; completed
    # on the demo day, not when the demo was seeded.
    assert {i.title for i in done} == {
        "Publish the full post-mortem analysis",
        "Pre-approve status page and in-product banner wording"}
    assert {i.completed_at.date() for i in done} == {demo.DAY.date()}
    assert not any(i.is_overdue(date(2027, 6, 1)) for i in done)


def test_declared_on_the_demo_day(loaded):
    incident, _steps = loaded
    created = incident.created_at
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    assert created == demo.at("09:09")


def test_progress_is_reported_step_by_step(loaded):
    _incident, steps = loaded
    assert steps[0] == "Components: 6 created, 0 reused"
    assert any(step.startswith("Declared incident #") for step in steps)
    assert steps[-2] == "Action items: 6"
    assert steps[-1] == ("Post-mortem written by Morgan Reyes, approved by "
                         "Priya Natarajan")


def totals():
    return [count(model) for model in (Incident, Component, StatusUpdate,
                                       TimelineEvent, ImpactSample, ActionItem)]


def test_loading_twice_returns_the_same_incident(loaded):
    incident, _steps = loaded
    before = totals()
    steps = []
    again = demo.load(None, progress=steps.append)
    db.session.commit()
    assert again.id == incident.id
    assert totals() == before
    assert steps == [f"Demo incident already loaded (#{incident.id}); nothing to do"]
    assert demo.load(None).id == incident.id  # progress is optional


def test_existing_components_are_reused(admin):
    kept = factories.component("Our website", slug="website", group="Public")
    last_audit = db.session.scalar(db.select(db.func.max(AuditEntry.id)))
    steps = []
    incident = demo.load(admin, progress=steps.append)
    db.session.commit()
    assert steps[0] == "Components: 5 created, 1 reused"
    assert count(Component) == 6
    assert db.session.get(Component, kept.id).name == "Our website"
    assert kept in {a.component for a in incident.affected}
    entries = db.session.execute(db.select(AuditEntry.user_id,
                                           AuditEntry.entity_type).where(
        AuditEntry.id > last_audit)).all()
    # The post-mortem is written and approved by its two demo users.
    writers = {u.id for u in accounts.list_users() if u.id != admin.id}
    assert {who for who, _what in entries} == {admin.id} | writers
    assert {what for who, what in entries if who in writers} == {"Postmortem"}
    assert db.session.scalar(db.select(db.func.count(StatusUpdate.id)).where(
        StatusUpdate.author_id == admin.id)) == 4


def test_existing_is_the_original_not_an_imported_copy(loaded):
    """Importing the demo's own export makes a second incident tagged demo;
    the loader keeps finding the first."""
    from postmortem.domain.exports import importer
    from postmortem.domain.exports import service as export_service

    incident, _steps = loaded
    pm = export_service.postmortem_of(incident)
    copy = importer.import_markdown(export_service.export(pm, "md", None), None)
    db.session.commit()
    assert "demo" in copy.incident.tags and copy.incident_id > incident.id
    assert demo.existing().id == incident.id
    assert demo.load(None).id == incident.id
