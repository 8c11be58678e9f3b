"""Declaring and editing incidents: milestones, scope, locking, filters."""

import pytest
import sqlalchemy as sa

from postmortem.domain import incident_list, incidents
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.domain.visibility import SYSTEM
from postmortem.extensions import db
from postmortem.models import AuditEntry
from tests import factories
from tests.factories import at


def test_declare_records_scope_and_labels(responder):
    api = factories.component("API", slug="api")
    web = factories.component("Website", slug="website")
    incident = factories.incident(
        responder, components=["website", {"slug": "api", "status": "major_outage"}],
        regions=["eu-west", "us-east"], platforms=["web", "api"],
        customer_tiers=["free", "pro"], tags=["capacity"], users_affected=120000,
        percent_users_affected=35.5, peak_user_reports=4200,
        detection_source="outage_tracker")
    statuses = {a.component.slug: a.status for a in incident.affected}
    assert statuses == {"website": "partial_outage", "api": "major_outage"}
    assert incident.regions == ["eu-west", "us-east"]
    assert incident.customer_tiers == ["free", "pro"]
    assert incident.tags == ["capacity"]
    assert {a.component for a in incident.affected} == {api, web}
    assert incident.affected[0].started_at == at(0)


def test_durations_follow_the_milestones(responder):
    incident = factories.incident(responder, acknowledged_at=at(10),
                                  mitigated_at=at(95), resolved_at=at(150),
                                  status="resolved")
    assert incidents.durations(incident) == {
        "to_detect": 240, "to_acknowledge": 600, "to_mitigate": 95 * 60,
        "to_resolve": 150 * 60, "total": 150 * 60}


@pytest.mark.parametrize("data, field", [
    ({}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "t", "severity": "SEV9"}, "severity"),
    ({"title": "t", "started_at": "2026-11-16T09:00:00"}, "started_at"),
    ({"title": "t", "started_at": "yesterday"}, "started_at"),
    ({"title": "t", "percent_users_affected": 140}, "percent_users_affected"),
    ({"title": "t", "users_affected": "many"}, "users_affected"),
    ({"title": "t", "started_at": "2026-11-16T09:00:00Z",
      "resolved_at": "2026-11-16T08:00:00Z"}, "resolved_at"),
    ({"title": "t", "components": ["nope"]}, "components"),
    # Only a resolved incident has a resolution time.
    ({"title": "t", "started_at": "2026-11-16T09:00:00Z", "status": "monitoring",
      "resolved_at": "2026-11-16T10:00:00Z"}, "resolved_at"),
    ({"title": "t", "started_at": "2099-01-01T00:00:00Z"}, "started_at"),
])
def test_declare_refuses_bad_input(responder, data, field):
    with pytest.raises(ValidationError) as caught:
        incidents.declare(data, responder)
    assert field in caught.value.fields


def test_stale_version_is_a_conflict_and_changes_nothing(responder):
    incident = factories.incident(responder, title="Original")
    incidents.update(incident, {"title": "First save", "version": 1}, responder)
    db.session.commit()
    with pytest.raises(Conflict):
        incidents.update(incident, {"title": "Second save", "version": 1}, responder)
    db.session.rollback()
    assert db.session.get(type(incident), incident.id).title == "First save"


def test_edit_requires_version(responder):
    incident = factories.incident(responder)
    with pytest.raises(ValidationError) as caught:
        incidents.update(incident, {"title": "x"}, responder)
    assert "version" in caught.value.fields


def test_filters(responder):
    factories.component("API", slug="api")
    one = factories.incident(responder, title="API errors", components=["api"],
                             tags=["capacity"])
    two = factories.incident(responder, title="Slow website", severity="SEV4",
                             started_at=at(60), detected_at=at(61))
    found = lambda **f: [i.id for i in db.session.scalars(  # noqa: E731
        incident_list.filter_query(f, SYSTEM))]
    assert found() == [two.id, one.id]
    assert found(severity="SEV4") == [two.id]
    assert found(component="api") == [one.id]
    assert found(tag="capacity") == [one.id]
    assert found(status="resolved") == []


def test_edit_audits_label_and_component_changes(responder):
    factories.component("API", slug="api-audit")
    incident = factories.incident(responder, tags=["capacity"])
    incidents.update(incident, {"version": incident.version, "tags": ["database"],
                                "components": ["api-audit"]}, responder)
    db.session.commit()
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "incident.update")).one()
    assert entry.changes["tags"] == [["capacity"], ["database"]]
    assert entry.changes["components"] == [{}, {"api-audit": "partial_outage"}]


def test_summary_is_rendered_and_sanitised_when_written(responder):
    incident = factories.incident(responder, summary="**Down** <script>x()</script>")
    assert incident.summary_html == "<p><strong>Down</strong> </p>"
    incidents.update(incident, {"version": incident.version,
                                "summary": "Back [up](javascript:alert(1))"},
                     responder)
    assert "javascript" not in incident.summary_html
    assert incident.summary_html.startswith("<p>Back <a")


def test_a_back_dated_declare_is_detected_when_its_impact_began(responder):
    incident = incidents.declare({"title": "Old outage",
                                  "started_at": "2021-03-01T10:00:00Z"}, responder)
    assert incident.detected_at == incident.started_at
    assert incidents.durations(incident)["to_detect"] == 0


def test_resolving_a_back_dated_incident_by_edit_uses_the_last_update(responder):
    from postmortem.domain import updates
    from postmortem.domain.errors import ValidationError

    incident = incidents.declare({"title": "Old outage",
                                  "started_at": "2021-03-01T10:00:00Z"}, responder)
    with pytest.raises(ValidationError) as caught:
        incidents.update(incident, {"status": "resolved",
                                    "version": incident.version}, responder)
    assert "resolved_at" in caught.value.fields
    updates.post(incident, {"status": "monitoring", "message": "m",
                            "posted_at": "2021-03-01T12:30:00Z"}, responder)
    incidents.update(incident, {"status": "resolved", "version": incident.version},
                     responder)
    assert incident.resolved_at.isoformat() == "2021-03-01T12:30:00+00:00"
