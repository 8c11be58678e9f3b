"""When what an incident page shows has changed: one counter per scope.

A session hook looks at what each flush writes. A row the incident page
shows (the incident, its updates and their component changes, events,
samples, action items, scope, labels and people) moves the counter of that
incident; a row every incident page draws on (components, update templates,
users' names and roles) moves the `catalog` counter. Both move in the same
transaction as the write, whoever made it (web, API, CLI), so a render kept
under the old counters is never served again, on any worker or host.

Statements that bypass the unit of work (bulk deletes) call `touch` beside
them.
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain import upsert
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    AffectedComponent,
    Component,
    ComponentChange,
    ImpactSample,
    Incident,
    IncidentLabel,
    IncidentMember,
    PageState,
    StatusUpdate,
    TimelineEvent,
    UpdateTemplate,
    User,
)
from postmortem.models.types import utcnow

CATALOG = "catalog"
# Rows the incident page shows, found by their incident_id.
INCIDENT_ROWS = (StatusUpdate, TimelineEvent, ImpactSample, ActionItem,
                 AffectedComponent, IncidentLabel, IncidentMember)
# Rows every incident page draws on; for users only what the page prints
# (a sign-in or a new password must not re-render every page).
CATALOG_ROWS: dict[type, tuple[str, ...] | None] = {
    Component: None,
    UpdateTemplate: None,
    User: ("email", "name", "role", "active"),
}


def incident_scope(incident_id: int) -> str:
    return f"incident:{incident_id}"


def _scope_of(session: so.Session, obj: Any) -> str | None:
    if isinstance(obj, Incident):
        return incident_scope(obj.id)
    if isinstance(obj, INCIDENT_ROWS):
        return incident_scope(obj.incident_id) if obj.incident_id else None
    if isinstance(obj, ComponentChange):
        update = session.get(StatusUpdate, obj.status_update_id)
        return incident_scope(update.incident_id) if update is not None else None
    if type(obj) in CATALOG_ROWS:
        names = CATALOG_ROWS[type(obj)]
        if names is None or obj in session.new or obj in session.deleted:
            return CATALOG
        state = sa.inspect(obj)
        changed = any(state.attrs[name].history.has_changes() for name in names)
        return CATALOG if changed else None
    return None


def _touched(session: so.Session) -> set[str]:
    scopes = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if (scope := _scope_of(session, obj)) is not None:
            scopes.add(scope)
    return scopes


def bump(connection: sa.Connection, scopes: Iterable[str]) -> None:
    """Move each scope's counter on (creating it the first time)."""
    now = utcnow()
    insert = upsert.insert(connection.dialect.name, PageState)
    # One order everywhere, so two writers never wait on each other crosswise.
    for scope in sorted(set(scopes)):
        statement = insert.values(scope=scope, generation=1, changed_at=now)
        connection.execute(statement.on_conflict_do_update(
            index_elements=[PageState.scope],
            set_={"generation": PageState.generation + 1, "changed_at": now}))


def touch(incident: Incident) -> None:
    """For writes the hook cannot see (bulk statements)."""
    bump(db.session.connection(), [incident_scope(incident.id)])


def marks(incident: Incident) -> tuple[tuple[int, str], tuple[int, str]]:
    """(counter, when it last moved) of the incident and of the catalog; (0, "")
    before the first change. The times tell one database's counters from
    another's where renders are shared (one Redis for several installs)."""
    scope = incident_scope(incident.id)
    rows = {name: (generation, changed_at.isoformat())
            for name, generation, changed_at in db.session.execute(
                sa.select(PageState.scope, PageState.generation,
                          PageState.changed_at)
                .where(PageState.scope.in_([scope, CATALOG])))}
    return rows.get(scope, (0, "")), rows.get(CATALOG, (0, ""))


@sa.event.listens_for(so.Session, "after_flush")
def _bump_on_change(session: so.Session, _context) -> None:
    # after_flush still sees what the flush wrote, with the new rows' ids.
    scopes = _touched(session)
    if scopes:
        bump(session.connection(), scopes)
