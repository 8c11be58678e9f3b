"""Writing the audit log."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import AuditEntry, User


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record(actor: User | None, action: str, entity: Any,
           changes: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit entry for `actor` doing `action` to `entity`."""
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        action=action,
        entity_type=type(entity).__name__,
        entity_id=getattr(entity, "id", None),
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def entries_query(entity_type: str | None = None) -> sa.Select:
    """Audit entries, newest first, optionally for one entity type."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    return query


def entity_types() -> list[str]:
    """The entity types the log mentions, for a filter."""
    return list(db.session.scalars(
        sa.select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
    ))


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the values that differ from `obj`'s."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name, None)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes
