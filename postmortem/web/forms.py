"""Helpers shared by the web forms."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import flash

from postmortem.domain.errors import DomainError, ValidationError
from postmortem.extensions import db


def apply_errors(form, exc: DomainError) -> None:
    """Show domain errors beside the fields they name, the rest at the top."""
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(f"{name}: {message}")
    if not exc.fields:
        form.form_errors.append(exc.message)


def submit(form, action: Callable[[], Any], done: str | Callable[[Any], str]
           ) -> tuple[bool, Any]:
    """Validate `form`, run `action` (one domain call) and commit.

    Returns (True, what the action returned), having flashed `done`; or
    (False, None) with the errors beside the fields and the session rolled
    back, so the caller re-renders the form with the user's text kept.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return False, None
    db.session.commit()
    flash(done(result) if callable(done) else done, "success")
    return True, result


def form_status(form) -> int:
    """422 when a submitted form comes back with errors, else 200."""
    return 422 if form.errors or form.form_errors else 200


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
