"""What the public sees: statuses, indicator, active and past incidents."""

from datetime import timedelta

from postmortem.domain.status import maintenance, overview
from postmortem.models.types import utcnow
from tests.domain.status.world import SECRET_TITLE


def statuses(view):
    return {v.component.slug: v.status for v in view.components}


def test_components_take_their_status_from_open_public_incidents_only(world):
    view = overview.build(utcnow())
    # The private incident's major outage of the website is not public.
    assert statuses(view) == {"website": "operational", "api": "major_outage",
                              "docs": "operational"}
    assert [i.title for i in view.active_incidents] == ["API errors for some users"]
    assert view.indicator == "critical"  # a major outage of a component
    assert view.description == "Major System Outage"
    assert [g.name for g in view.groups] == [None, "Platform"]
    assert view.groups[1].status == "major_outage"


def test_updates_are_newest_first(world):
    view = overview.build(utcnow())
    shown = [u.status for u in view.updates[world.active.id]]
    assert shown == ["identified", "investigating"]


def test_indicator_follows_impact_and_maintenance():
    assert overview.indicator([], {}, False) == "none"
    assert overview.indicator([], {1: "degraded_performance"}, False) == "minor"
    assert overview.indicator([], {1: "partial_outage"}, True) == "major"
    assert overview.indicator([], {1: "under_maintenance"}, True) == "maintenance"


def test_maintenance_puts_components_under_maintenance_once_started(world, admin):
    later = world.window.scheduled_for + timedelta(minutes=5)
    view = overview.build(later)
    assert [m.title for m in view.active_maintenances] == ["Database upgrade"]
    # The API's outage outranks its maintenance.
    assert statuses(view)["api"] == "major_outage"
    maintenance.post_update(world.window, {"status": "completed"}, admin)
    assert overview.build(later).active_maintenances == []


def test_upcoming_maintenance_and_valid_until(world):
    now = utcnow()
    view = overview.build(now)
    assert [m.title for m in view.upcoming_maintenances] == ["Database upgrade"]
    assert overview.valid_until(now) == min(overview.next_midnight(now),
                                            world.window.scheduled_for)


def test_past_days_group_public_incidents_by_day(world):
    days = overview.past_days(utcnow())
    assert len(days) == overview.PAST_DAYS
    titles = [i.title for d in days for i in d.incidents]
    assert "Website slow" in titles and SECRET_TITLE not in titles
    assert days[0].day == utcnow().date()
