"""One record per submitted form, however often it is sent.

Each web form that creates something carries a one-time token. The first
submission claims it (a unique row, in the same transaction as what it
creates); a repeat (a double click on a slow network, Back then resubmit) is
sent to what the first one created. A form fetched again after Back gets a
fresh token but the browser may restore the typed text, so the same content
from the same person to the same place within a short window counts as a
repeat too.
"""

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from postmortem.extensions import db
from postmortem.models import FormSubmission, User
from postmortem.models.types import utcnow

WINDOW = timedelta(minutes=2)
TOKEN_LENGTH = 64


def new_token() -> str:
    return secrets.token_urlsafe(24)


def content_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _earlier(user: User, token: str, form: str, digest: str) -> str | None:
    """Where an earlier submission of this form or this content went."""
    row = db.session.scalar(sa.select(FormSubmission).where(
        sa.or_(FormSubmission.token == token,
               sa.and_(FormSubmission.user_id == user.id,
                       FormSubmission.form == form,
                       FormSubmission.content_hash == digest,
                       FormSubmission.created_at > utcnow() - WINDOW)))
        .order_by(FormSubmission.id.desc()).limit(1))
    return row.result_url if row is not None else None


def claim(user: User, token: str | None, form: str,
          data: dict[str, Any]) -> FormSubmission | str:
    """A claim on this submission, or the URL of what an earlier identical
    one created."""
    token = (token or "")[:TOKEN_LENGTH] or new_token()
    digest = content_hash(data)
    earlier = _earlier(user, token, form, digest)
    if earlier is not None:
        return earlier
    row = FormSubmission(token=token, user_id=user.id, form=form,
                         content_hash=digest)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # The same token, submitted at the same moment, won on another worker.
        db.session.rollback()
        return _earlier(user, token, form, digest) or ""
    return row


def settle(row: FormSubmission, result_url: str) -> None:
    """Record where the submission led, for any repeat of it."""
    row.result_url = result_url
    db.session.execute(sa.delete(FormSubmission).where(
        FormSubmission.created_at < utcnow() - timedelta(days=1)))
