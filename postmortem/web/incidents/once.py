"""The one submit shape of the incident pages: validate, claim the form's
one-time submission, one domain call, commit, redirect; or the errors beside
the fields with the typed text kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user

from postmortem.domain import submissions
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.extensions import db
from postmortem.web.incidents.labels import apply_errors

REPEATED = ("You submitted this form twice; it was saved only once. "
            "This is what the first submission saved.")


@dataclass
class Outcome:
    """A redirect to send, or the status to render the form again with."""

    response: Any = None
    status: int = 200
    conflict: Conflict | None = None


def submit_once(form, key: str | None, action: Callable[[dict], Any],
                target: Callable[[Any], str], done: str | Callable[[Any], str]
                ) -> Outcome:
    """Run `action` on the form's values once. With a `key` (what is being
    submitted where), a repeat of the same submission, or of the same content
    within a short window, goes to what the first one saved."""
    if not form.validate_on_submit():
        return Outcome(status=422 if form.is_submitted() else 200)
    data = form.domain_data() if hasattr(form, "domain_data") else dict(form.data)
    claim = _claim(form, key, data)
    if isinstance(claim, str):
        flash(REPEATED, "info")
        return Outcome(response=redirect(claim or url_for("incidents.index")))
    try:
        result = action(data)
        url = target(result)
        if claim is not None:
            submissions.settle(claim, url)
        db.session.commit()
    except (ValidationError, Conflict) as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return Outcome(status=exc.http_status,
                       conflict=exc if isinstance(exc, Conflict) else None)
    flash(done(result) if callable(done) else done, "success")
    return Outcome(response=redirect(url))


def _claim(form, key: str | None, data: dict):
    """This submission's claim, the URL an earlier one led to, or None for a
    form that needs none (an edit carries a version instead)."""
    if key is None:
        return None
    return submissions.claim(current_user, form.submission.data, key, data)
