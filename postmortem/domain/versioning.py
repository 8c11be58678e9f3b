"""Optimistic locking: an edit names the version it was based on."""

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from postmortem.domain.errors import Conflict, ValidationError
from postmortem.extensions import db


def require_version(obj: Any, data: Any, what: str) -> None:
    """Refuse an edit based on another version than the stored one."""
    version = data.get("version")
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError({"version": "is required: the version you edited"})
    if version != obj.version:
        raise Conflict(
            f"This {what} was changed by someone else (now version {obj.version}, "
            f"you edited {version}). Review the changes and save again.",
            {"version": f"is stale; current version is {obj.version}"},
        )


def save(obj: Any) -> None:
    """Flush, turning a lost optimistic-locking race into a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("This was changed by someone else while you saved. "
                       "Reload and try again.") from None
