"""Component status over time, from the changes that status updates carry.

Each `ComponentChange` says old -> new at its update's `posted_at`. Replaying
them in time order from the status a component was declared with gives the
segments during which it had each status. The post-mortem's impact (the worst
status each component reached, and its window), the status page's uptime bars
and the APIs all read these segments, so a resolved incident (whose
components are operational again) still shows what it did.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from postmortem.domain.vocabulary import COMPONENT_STATUS_RANK
from postmortem.extensions import db
from postmortem.models import (
    AffectedComponent,
    Component,
    ComponentChange,
    Incident,
    StatusUpdate,
)


@dataclass(frozen=True)
class Segment:
    """`component` had `status` from `start` to `end` (None: still ongoing)
    because of `incident_id`."""

    incident_id: int
    component: Component
    status: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class WorstImpact:
    """The worst status a component reached during an incident and the window
    during which it was not operational."""

    component: Component
    status: str
    start: datetime
    end: datetime | None


def _changes(incident_ids: list[int]):
    """(incident id, component id, old, new, at) in time order."""
    if not incident_ids:
        return []
    return db.session.execute(
        sa.select(StatusUpdate.incident_id, ComponentChange.component_id,
                  ComponentChange.old_status, ComponentChange.new_status,
                  StatusUpdate.posted_at)
        .join(StatusUpdate, ComponentChange.status_update_id == StatusUpdate.id)
        .where(StatusUpdate.incident_id.in_(incident_ids))
        .order_by(StatusUpdate.posted_at, StatusUpdate.id, ComponentChange.id)
    ).all()


def _replay(incident: Incident, component: Component,
            affected: AffectedComponent | None, changes: list) -> list[Segment]:
    """Segments of one component in one incident."""
    start = (affected.started_at if affected and affected.started_at
             else incident.started_at)
    end = affected.ended_at if affected else None
    end = end or incident.resolved_at
    if not changes:
        status = affected.status if affected else "operational"
        return [Segment(incident.id, component, status, start, end)]
    points: list[tuple[datetime, str]] = []
    first_old = changes[0][2]
    if first_old is not None:
        points.append((min(start, changes[0][4]), first_old))
    for _incident_id, _component_id, _old, new, at in changes:
        points.append((at, new))
    segments = []
    for (at, status), following in zip(points, points[1:] + [(None, None)],
                                       strict=True):
        stop = following[0] if following[0] is not None else end
        if stop is not None and stop <= at and following[0] is not None:
            continue  # superseded at the same moment
        segments.append(Segment(incident.id, component, status, at, stop))
    return segments


def segments(incidents: list[Incident]) -> list[Segment]:
    """Every component segment of these incidents, in two queries at most."""
    by_id = {incident.id: incident for incident in incidents}
    per_pair: dict[tuple[int, int], list] = defaultdict(list)
    for row in _changes(list(by_id)):
        per_pair[(row[0], row[1])].append(row)
    components = {a.component_id: a.component
                  for incident in incidents for a in incident.affected}
    missing = {component_id for _i, component_id in per_pair} - set(components)
    if missing:
        components |= {c.id: c for c in db.session.scalars(
            sa.select(Component).where(Component.id.in_(missing)))}
    out: list[Segment] = []
    for incident in incidents:
        affected = {a.component_id: a for a in incident.affected}
        component_ids = list(affected) + [
            cid for (iid, cid) in per_pair if iid == incident.id and cid not in affected
        ]
        for component_id in component_ids:
            out += _replay(incident, components[component_id],
                           affected.get(component_id),
                           per_pair.get((incident.id, component_id), []))
    return out


def worst_impact(incident: Incident) -> list[WorstImpact]:
    """Per affected component, the worst status it reached and its window,
    in the order the incident lists its components."""
    worst: dict[int, WorstImpact] = {}
    for segment in segments([incident]):
        if segment.status == "operational":
            continue
        cid = segment.component.id
        seen = worst.get(cid)
        if seen is None:
            worst[cid] = WorstImpact(segment.component, segment.status,
                                     segment.start, segment.end)
            continue
        rank = COMPONENT_STATUS_RANK
        status = (segment.status if rank[segment.status] > rank[seen.status]
                  else seen.status)
        end = None if seen.end is None or segment.end is None else max(
            seen.end, segment.end)
        worst[cid] = WorstImpact(seen.component, status,
                                 min(seen.start, segment.start), end)
    return list(worst.values())
