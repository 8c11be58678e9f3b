"""What the public sees right now: components and their status, the overall
indicator, active incidents and maintenance, and the recent past.

Everything here reads public incidents only (`public_clause()`), their status
updates (never timeline events), components and maintenance. The HTML page,
the v2 JSON, the feeds and the banner are all built from these functions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.visibility import public_clause
from postmortem.domain.vocabulary import COMPONENT_STATUS_RANK
from postmortem.extensions import db
from postmortem.models import (
    Component,
    Incident,
    Maintenance,
    StatusUpdate,
)

IMPACT_RANK = {"none": 0, "minor": 1, "major": 2, "critical": 3}
# A component's status says how bad things are for the page as a whole.
INDICATOR_FOR_STATUS = {"degraded_performance": "minor", "partial_outage": "major",
                        "major_outage": "critical"}
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}
PAST_DAYS = 15


@dataclass(frozen=True)
class ComponentView:
    component: Component
    status: str


@dataclass(frozen=True)
class Group:
    """Components under one group name (None: not grouped)."""

    name: str | None
    members: list[ComponentView]

    @property
    def status(self) -> str:
        return worst(view.status for view in self.members)


@dataclass
class Overview:
    now: datetime
    components: list[ComponentView]
    groups: list[Group]
    indicator: str
    active_incidents: list[Incident]
    active_maintenances: list[Maintenance]
    upcoming_maintenances: list[Maintenance]
    updates: dict[int, list[StatusUpdate]] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self.indicator]


def worst(statuses) -> str:
    return max(statuses, key=COMPONENT_STATUS_RANK.__getitem__, default="operational")


def ordered_components() -> list[Component]:
    """Grouped components after the ungrouped ones, each by position."""
    return list(db.session.scalars(
        sa.select(Component).order_by(Component.group.nulls_first(),
                                      Component.position, Component.name)))


def open_incidents() -> list[Incident]:
    """Unresolved public incidents, newest first."""
    return list(db.session.scalars(
        sa.select(Incident).where(public_clause(), Incident.status != "resolved")
        .order_by(Incident.started_at.desc(), Incident.id.desc())))


def updates_for(incident_ids: list[int]) -> dict[int, list[StatusUpdate]]:
    """Status updates per incident, newest first, in one query."""
    found: dict[int, list[StatusUpdate]] = defaultdict(list)
    if not incident_ids:
        return found
    for update in db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id.in_(incident_ids))
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc())
    ):
        found[update.incident_id].append(update)
    return found


def component_statuses(incidents: list[Incident], active: list[Maintenance]
                       ) -> dict[int, str]:
    """{component id: status} from open public incidents and active
    maintenance; an outage outranks maintenance."""
    found: dict[int, str] = {}
    for incident in incidents:
        for row in incident.affected:
            if row.ended_at is None:
                found[row.component_id] = worst(
                    [found.get(row.component_id, "operational"), row.status])
    for window in active:
        for component in window.components:
            found[component.id] = worst(
                [found.get(component.id, "operational"), "under_maintenance"])
    return found


def grouped(views: list[ComponentView]) -> list[Group]:
    groups: dict[str | None, list[ComponentView]] = {}
    for view in views:
        groups.setdefault(view.component.group, []).append(view)
    return [Group(name, members) for name, members in groups.items()]


def indicator(incidents: list[Incident], statuses: dict[int, str],
              maintenance_active: bool) -> str:
    ranks = [IMPACT_RANK.get(i.impact, 0) for i in incidents]
    ranks += [IMPACT_RANK[INDICATOR_FOR_STATUS[s]] for s in statuses.values()
              if s in INDICATOR_FOR_STATUS]
    rank = max(ranks, default=0)
    if rank == 0 and maintenance_active:
        return "maintenance"
    return next(name for name, value in IMPACT_RANK.items() if value == rank)


def build(now: datetime) -> Overview:
    """The page as it stands at `now`."""
    incidents = open_incidents()
    windows = maintenances.open_windows()
    active = [m for m in windows if maintenances.is_active(m, now)]
    upcoming = [m for m in windows if maintenances.effective_status(m, now)
                == "scheduled"]
    statuses = component_statuses(incidents, active)
    views = [ComponentView(c, statuses.get(c.id, "operational"))
             for c in ordered_components()]
    return Overview(
        now=now, components=views, groups=grouped(views),
        indicator=indicator(incidents, statuses, bool(active)),
        active_incidents=incidents, active_maintenances=active,
        upcoming_maintenances=upcoming,
        updates=updates_for([i.id for i in incidents]),
    )


def public_incident(incident_id) -> Incident:
    """A public incident, or NotFound (also for private ones: their ids are
    not confirmed)."""
    from postmortem.domain import incidents

    return incidents.get(incident_id, None)


def recent_incidents(limit: int = 50) -> list[Incident]:
    """The newest public incidents, whatever their status."""
    return list(db.session.scalars(
        sa.select(Incident).where(public_clause())
        .order_by(Incident.started_at.desc(), Incident.id.desc()).limit(limit)))


def incidents_between(start: datetime, end: datetime) -> list[Incident]:
    """Public incidents whose impact overlaps [start, end)."""
    return list(db.session.scalars(
        sa.select(Incident).where(
            public_clause(), Incident.started_at < end,
            sa.or_(Incident.resolved_at.is_(None), Incident.resolved_at >= start))
        .order_by(Incident.started_at.desc(), Incident.id.desc())))


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def next_midnight(now: datetime) -> datetime:
    return day_start(now.date() + timedelta(days=1))


@dataclass(frozen=True)
class PastDay:
    day: date
    incidents: list[Incident]
    maintenances: list[Maintenance]


def past_days(now: datetime, days: int = PAST_DAYS) -> list[PastDay]:
    """The last `days` days, newest first, with the public incidents that
    began on each and the maintenance that ran on each."""
    first = now.date() - timedelta(days=days - 1)
    start = day_start(first)
    incidents = list(db.session.scalars(
        sa.select(Incident).where(public_clause(), Incident.started_at >= start,
                                  Incident.started_at <= now)
        .order_by(Incident.started_at.desc(), Incident.id.desc())))
    windows = list(db.session.scalars(
        sa.select(Maintenance).where(Maintenance.scheduled_for >= start,
                                     Maintenance.scheduled_for <= now)
        .order_by(Maintenance.scheduled_for.desc(), Maintenance.id.desc())))
    by_day: dict[date, PastDay] = {
        first + timedelta(days=n): PastDay(first + timedelta(days=n), [], [])
        for n in range(days)}
    for incident in incidents:
        by_day[incident.started_at.date()].incidents.append(incident)
    for window in windows:
        by_day[window.scheduled_for.date()].maintenances.append(window)
    return sorted(by_day.values(), key=lambda d: d.day, reverse=True)


def valid_until(now: datetime) -> datetime:
    """When a render made now goes stale without any write: midnight (the
    bars move) or the next scheduled start (statuses move)."""
    until = next_midnight(now)
    start = maintenances.next_start(now)
    return min(until, start) if start else until
