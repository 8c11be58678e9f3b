"""The 90-day uptime bar: one cell per day per component, coloured by the
worst status that day, and the uptime % from the actual outage windows.

Windows come from `component_history.segments` (the changes that status
updates carry, so a past day shows what it had then, not what the component
has now) and from maintenance. Like Statuspage, a major outage counts fully as
downtime, a partial outage at 30 %, degraded performance and maintenance not
at all; overlapping windows count once, at the worst status.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from postmortem.domain.component_history import segments
from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.status.overview import day_start, incidents_between
from postmortem.domain.vocabulary import COMPONENT_STATUS_RANK, label
from postmortem.extensions import db
from postmortem.models import Component, Maintenance

DAYS = 90
DOWNTIME_WEIGHT = {"major_outage": 1.0, "partial_outage": 0.3}


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    status: str
    kind: str  # "incident" or "maintenance"
    ref_id: int
    title: str


@dataclass
class Day:
    day: date
    status: str = "operational"
    incidents: dict[int, str] = field(default_factory=dict)
    maintenances: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What the cell says on hover and to screen readers."""
        notes = list(self.incidents.values())
        notes += [f"maintenance: {title}" for title in self.maintenances.values()]
        status = label(self.status).lower()
        return (f"{self.day.strftime('%d %b %Y')}: {status}; "
                + ("; ".join(notes) if notes else "no incidents"))

    @property
    def link(self) -> tuple[str, int] | None:
        """The first incident (or maintenance) of the day, to link the cell to."""
        if self.incidents:
            return ("incident", next(iter(self.incidents)))
        if self.maintenances:
            return ("maintenance", next(iter(self.maintenances)))
        return None


@dataclass
class ComponentUptime:
    percent: float
    days: list[Day]


def _windows(now: datetime, start: datetime) -> dict[int, list[Window]]:
    found: dict[int, list[Window]] = defaultdict(list)
    incidents = incidents_between(start, now)
    titles = {incident.id: incident.title for incident in incidents}
    for segment in segments(incidents):
        if segment.status == "operational":
            continue
        end = min(segment.end or now, now)
        if end <= start or segment.start >= now:
            continue
        found[segment.component.id].append(Window(
            max(segment.start, start), end, segment.status, "incident",
            segment.incident_id, titles[segment.incident_id]))
    for maintenance in _maintenances(start, now):
        span = maintenances.window(maintenance, now)
        if span is None or span[1] <= start:
            continue
        for component in maintenance.components:
            found[component.id].append(Window(
                max(span[0], start), span[1], "under_maintenance", "maintenance",
                maintenance.id, maintenance.title))
    return found


def _maintenances(start: datetime, now: datetime) -> list[Maintenance]:
    """Windows that began before now and were not over before `start`."""
    return list(db.session.scalars(
        sa.select(Maintenance).where(
            Maintenance.scheduled_for < now,
            sa.or_(Maintenance.completed_at.is_(None),
                   Maintenance.completed_at >= start))))


def _worst(windows: list[Window]) -> str:
    return max((w.status for w in windows), key=COMPONENT_STATUS_RANK.__getitem__,
               default="operational")


def _downtime(windows: list[Window]) -> float:
    """Weighted seconds of downtime, each moment counted once at its worst."""
    points = sorted({w.start for w in windows} | {w.end for w in windows})
    total = 0.0
    for left, right in zip(points, points[1:], strict=False):
        covering = [w for w in windows if w.start < right and w.end > left]
        total += (DOWNTIME_WEIGHT.get(_worst(covering), 0.0)
                  * (right - left).total_seconds())
    return total


def _days(windows: list[Window], first: date, days: int) -> list[Day]:
    cells = [Day(first + timedelta(days=n)) for n in range(days)]
    for window in windows:
        begin = max(0, (window.start.date() - first).days)
        # A window ending exactly at midnight does not touch the next day.
        last = (window.end - timedelta(microseconds=1)).date()
        for n in range(begin, min(days - 1, (last - first).days) + 1):
            cell = cells[n]
            cell.status = _worst([window, Window(window.start, window.end,
                                                 cell.status, "", 0, "")])
            where = cell.incidents if window.kind == "incident" else cell.maintenances
            where.setdefault(window.ref_id, window.title)
    return cells


def uptime(components: list[Component], now: datetime, days: int = DAYS
           ) -> dict[int, ComponentUptime]:
    """{component id: its bar and uptime %} over the `days` days up to now."""
    first = now.date() - timedelta(days=days - 1)
    start = day_start(first)
    seconds = max((now - start).total_seconds(), 1.0)
    found = _windows(now, start)
    out = {}
    for component in components:
        windows = found.get(component.id, [])
        percent = 100.0 * (1 - _downtime(windows) / seconds)
        # Floor, so a short outage never rounds back up to a clean 100 %.
        out[component.id] = ComponentUptime(
            math.floor(percent * 100) / 100, _days(windows, first, days))
    return out
