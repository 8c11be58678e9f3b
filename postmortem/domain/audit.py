"""Writing the audit log."""

from datetime import date, datetime
from typing import Any

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


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the values that differ from `obj`'s."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name, None)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes
