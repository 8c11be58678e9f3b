"""The public state version: one counter every public change bumps.

A session hook looks at what each flush writes; if anything the public can
see changed (a public incident, its updates and components, a component, a
maintenance), it bumps `status_state.version` in the same transaction. Cached
renders are keyed by that version, so they go stale exactly when the public
state moves, on every worker and host at once, whoever made the change (web,
API, CLI). Changes to private incidents do not bump it: a moving ETag must not
reveal that something private happened.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain import upsert
from postmortem.models import (
    AffectedComponent,
    Component,
    ComponentChange,
    Incident,
    Maintenance,
    MaintenanceComponent,
    MaintenanceUpdate,
    Postmortem,
    StatusState,
    StatusUpdate,
)
from postmortem.models.types import utcnow

STATE_ID = 1


def had_value(session: so.Session, obj: Any, name: str, value: Any) -> bool:
    """Whether `obj.name` was `value` before this flush. When the old value was
    never loaded (set on an expired object) it is unknown: say yes, since a
    needless bump costs a render and a missed one shows stale data."""
    if obj in session.new:
        return False
    history = so.attributes.get_history(obj, name)
    if value in (history.deleted or ()):
        return True
    return bool(history.added) and not history.deleted and not history.unchanged


def _incident_is_public(session: so.Session, incident: Incident | None) -> bool:
    if incident is None:
        return False
    # Made private just now: the public must see it disappear.
    return incident.is_public or had_value(session, incident, "is_public", True)


def _by_incident_id(session: so.Session, incident_id: int | None) -> bool:
    if incident_id is None:
        return False
    return _incident_is_public(session, session.get(Incident, incident_id))


def _update_is_public(session: so.Session, update: StatusUpdate) -> bool:
    return _by_incident_id(session, update.incident_id)


def _change_is_public(session: so.Session, change: ComponentChange) -> bool:
    update = session.get(StatusUpdate, change.status_update_id)
    return update is not None and _update_is_public(session, update)


def _affected_is_public(session: so.Session, row: AffectedComponent) -> bool:
    if row.incident is not None:
        return _incident_is_public(session, row.incident)
    return _by_incident_id(session, row.incident_id)


def _always(_session: so.Session, _obj: Any) -> bool:
    return True


# Which written rows the public can see.
PUBLIC_ROWS: dict[type, Callable[[so.Session, Any], bool]] = {
    Incident: _incident_is_public,
    StatusUpdate: _update_is_public,
    ComponentChange: _change_is_public,
    AffectedComponent: _affected_is_public,
    Component: _always,
    Maintenance: _always,
    MaintenanceUpdate: _always,
    MaintenanceComponent: _always,
}


def _postmortem_is_public(session: so.Session, postmortem: Postmortem) -> bool:
    from postmortem.domain.status.postmortems import touches_public

    return touches_public(session, postmortem)


PUBLIC_ROWS[Postmortem] = _postmortem_is_public


def _touches_public(session: so.Session) -> bool:
    for obj in (*session.new, *session.deleted, *session.dirty):
        check = PUBLIC_ROWS.get(type(obj))
        if check is None:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if check(session, obj):
            return True
    return False


def bump(connection: sa.Connection, now: datetime | None = None) -> None:
    """Move the public state version on (creating the row the first time)."""
    now = now or utcnow()
    insert = upsert.insert(connection.dialect.name, StatusState).values(
        id=STATE_ID, version=1, changed_at=now)
    connection.execute(insert.on_conflict_do_update(
        index_elements=[StatusState.id],
        set_={"version": StatusState.version + 1, "changed_at": now},
    ))


def ensure(connection: sa.Connection) -> None:
    """Create the state row if absent, without moving it."""
    insert = upsert.insert(connection.dialect.name, StatusState).values(
        id=STATE_ID, version=0, changed_at=utcnow())
    connection.execute(insert.on_conflict_do_nothing(index_elements=[StatusState.id]))


def current(session: so.Session) -> tuple[int, datetime | None]:
    """(version, changed_at); (0, None) before the first public change."""
    row = session.execute(
        sa.select(StatusState.version, StatusState.changed_at)
        .where(StatusState.id == STATE_ID)
    ).first()
    return (row[0], row[1]) if row else (0, None)


@sa.event.listens_for(so.Session, "after_flush")
def _bump_on_public_change(session: so.Session, _context) -> None:
    # after_flush still sees the flush's new/dirty/deleted sets, and new rows
    # now have their ids, so the incident behind an update can be looked up.
    if session.info.get("status_state_bumping"):
        return
    if _touches_public(session):
        session.info["status_state_bumping"] = True
        try:
            bump(session.connection())
        finally:
            session.info["status_state_bumping"] = False
