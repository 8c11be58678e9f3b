"""The 90-day bars: worst status per day, uptime from real outage windows,
maintenance is not downtime."""

from datetime import UTC, datetime, timedelta

from postmortem.domain.status import maintenance, uptime
from postmortem.extensions import db
from tests import factories
from tests.domain.status.world import post

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_days_show_their_worst_status_and_incidents(admin):
    api = factories.component("API", slug="api")
    incident = factories.incident(admin, title="API down",
                                  started_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
                                  detected_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
                                  components=[{"slug": "api",
                                               "status": "degraded_performance"}])
    post(incident, admin, "identified", "worse",
         datetime(2026, 11, 16, 10, tzinfo=UTC), {"api": "major_outage"})
    post(incident, admin, "resolved", "fixed",
         datetime(2026, 11, 16, 11, tzinfo=UTC), {"api": "operational"})
    bar = uptime.uptime([api], NOW)[api.id]
    assert len(bar.days) == uptime.DAYS
    assert bar.days[-1].day == NOW.date()
    day = next(d for d in bar.days if d.day == datetime(2026, 11, 16).date())
    assert day.status == "major_outage"
    assert day.incidents == {incident.id: "API down"}
    assert "API down" in day.label and "major outage" in day.label
    assert day.link == ("incident", incident.id)
    assert all(d.status == "operational" for d in bar.days if d is not day)
    # One hour of major outage (the degraded hour is not downtime).
    seconds = (NOW - datetime(2026, 8, 23, tzinfo=UTC)).total_seconds()
    expected = 100 * (1 - 3600 / seconds)
    assert abs(bar.percent - expected) < 0.01
    assert bar.percent < 100


def test_partial_outage_counts_at_30_percent_and_overlaps_once(admin):
    api = factories.component("API", slug="api")
    start = datetime(2026, 11, 18, 0, tzinfo=UTC)
    for _ in range(2):  # two incidents over the same hour count once
        incident = factories.incident(admin, started_at=start, detected_at=start,
                                      components=[{"slug": "api",
                                                   "status": "partial_outage"}])
        post(incident, admin, "resolved", "ok", start + timedelta(hours=10),
             {"api": "operational"})
    bar = uptime.uptime([api], NOW)[api.id]
    seconds = (NOW - datetime(2026, 8, 23, tzinfo=UTC)).total_seconds()
    assert abs(bar.percent - 100 * (1 - 0.3 * 36000 / seconds)) < 0.01


def test_maintenance_is_maintenance_not_downtime(admin):
    api = factories.component("API", slug="api")
    window = maintenance.schedule({
        "title": "Upgrade", "components": ["api"],
        "scheduled_for": datetime(2026, 11, 19, 1, tzinfo=UTC),
        "scheduled_until": datetime(2026, 11, 19, 3, tzinfo=UTC)}, admin)
    db.session.commit()
    bar = uptime.uptime([api], NOW)[api.id]
    day = next(d for d in bar.days if d.day == datetime(2026, 11, 19).date())
    assert day.status == "under_maintenance"
    assert day.maintenances == {window.id: "Upgrade"}
    assert bar.percent == 100.0


def test_private_incidents_do_not_count(admin):
    api = factories.component("API", slug="api")
    factories.incident(admin, is_public=False, components=[
        {"slug": "api", "status": "major_outage"}])
    bar = uptime.uptime([api], NOW)[api.id]
    assert bar.percent == 100.0
    assert all(not d.incidents for d in bar.days)
