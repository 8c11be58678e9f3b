"""An incident's milestones: when it began, was detected, acknowledged,
mitigated and resolved, and the rules that keep them in order.

Status updates move the milestones. So that the result never depends on
which of two concurrent posts lands first, nor on the order updates were
typed in, the incident's status and update-driven milestones are derived
from all of its updates in time order (`derive`), on a post as on an edit
or a delete.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from postmortem.domain.errors import ValidationError
from postmortem.domain.values import Fields
from postmortem.extensions import db
from postmortem.models import Incident, StatusUpdate, TimelineEvent
from postmortem.models.incident import MILESTONES
from postmortem.models.types import utcnow

# Clocks drift and people type fast; anything further ahead is a mistake.
FUTURE_LEEWAY = timedelta(minutes=10)
FIXED = ("monitoring", "resolved")
BEFORE_START = "cannot be before the impact started"
AFTER_RESOLUTION = "cannot be after the incident was resolved"


def check_not_future(fields: Fields, *names: str) -> None:
    """Something that happened cannot have happened later than now."""
    limit = utcnow() + FUTURE_LEEWAY
    for name in names:
        value = fields.values.get(name)
        if isinstance(value, datetime) and value > limit:
            fields.error(name, "is in the future")


def check(values: dict[str, datetime | None], field_for=None) -> None:
    """Milestones cannot come before the impact began, nor after resolution."""
    field_for = field_for or {}
    errors = {}
    started = values.get("started_at")
    resolved = values.get("resolved_at")
    for name in MILESTONES[1:]:
        value = values.get(name)
        if value is None:
            continue
        if started and value < started:
            errors[field_for.get(name, name)] = BEFORE_START
        elif resolved and name != "resolved_at" and value > resolved:
            errors[field_for.get(name, name)] = AFTER_RESOLUTION
    if errors:
        raise ValidationError(errors)


def reopen_windows(incident: Incident, resolved_at: datetime) -> None:
    """A reopened incident affects again the components its resolution
    closed (not those an update had already marked operational)."""
    for row in incident.affected:
        if row.ended_at == resolved_at and row.status != "operational":
            row.ended_at = None


def close_windows(incident: Incident, at: datetime) -> None:
    for row in incident.affected:
        if row.ended_at is None:
            row.ended_at = at


def lock(incident: Incident) -> Incident:
    """Take the incident row for this transaction and read it afresh.

    Appends (status updates) serialise here on PostgreSQL (SELECT … FOR
    UPDATE), so each derives from every update committed before it; SQLite
    serialises writers, but only from a transaction's first write (its reads
    run outside one), so there a no-op write to the row comes first.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.update(Incident).where(Incident.id == incident.id)
            .values(id=Incident.id).execution_options(synchronize_session=False))
    return db.session.scalars(
        sa.select(Incident).where(Incident.id == incident.id)
        .with_for_update(of=Incident)
        .execution_options(populate_existing=True)).one()


def history(incident: Incident) -> list[StatusUpdate]:
    """Every status update of the incident, oldest first."""
    return list(db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at, StatusUpdate.id)))


def _first_mitigation_event(incident: Incident) -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.min(TimelineEvent.occurred_at)).where(
            TimelineEvent.incident_id == incident.id,
            TimelineEvent.kind == "mitigation"))


@dataclass(frozen=True)
class Derived:
    """What an incident's updates say: its status (None: no update says) and
    milestones."""

    status: str | None
    milestones: dict[str, datetime | None]


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def derive(incident: Incident, updates: Sequence[StatusUpdate],
           forget: Iterable[str] = (), decide_status: bool = True) -> Derived:
    """The status and milestones once `updates` (oldest first) are all posted.

    The first update acknowledges the incident publicly; `monitoring` or
    `resolved` means a fix is in place (mitigated); the newest update decides
    the status, and whether the incident is resolved. An earlier time set by
    hand is kept; `forget` names milestones whose cause was just edited or
    deleted, to be worked out again from what remains.
    """
    moved = _remembered(incident, forget)
    if not updates:
        # The last update went: an incident it had resolved is open again.
        reopened = decide_status and "resolved_at" in forget
        return Derived("investigating" if reopened else None, moved)
    moved["acknowledged_at"] = _earliest(moved["acknowledged_at"],
                                         updates[0].posted_at)
    fixes = [u.posted_at for u in updates if u.status in FIXED]
    moved["mitigated_at"] = _earliest(moved["mitigated_at"], *fixes)
    if not decide_status:
        return Derived(None, moved)
    newest = updates[-1]
    moved["resolved_at"] = newest.posted_at if newest.status == "resolved" else None
    return Derived(newest.status, moved)


def _remembered(incident: Incident, forget: Iterable[str]
                ) -> dict[str, datetime | None]:
    """The milestones as stored, less those to work out again (a mitigation
    event still counts for mitigated)."""
    moved = {name: getattr(incident, name) for name in MILESTONES}
    for name in forget:
        moved[name] = None
    if "mitigated_at" in forget:
        moved["mitigated_at"] = _first_mitigation_event(incident)
    return moved


def apply(incident: Incident, derived: Derived) -> None:
    """Set what `derive` worked out, reopening or closing component windows
    as the resolution moves."""
    was_resolved = incident.resolved_at
    if derived.status is not None:
        incident.status = derived.status
    if was_resolved is not None and derived.milestones["resolved_at"] != was_resolved:
        reopen_windows(incident, was_resolved)
    for name, value in derived.milestones.items():
        if getattr(incident, name) != value:
            setattr(incident, name, value)
    if incident.resolved_at:
        close_windows(incident, incident.resolved_at)


def last_update_time(incident: Incident) -> datetime | None:
    """When the newest status update was posted, if any."""
    return db.session.scalar(
        sa.select(sa.func.max(StatusUpdate.posted_at))
        .where(StatusUpdate.incident_id == incident.id))
