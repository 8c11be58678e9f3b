"""`Idempotency-Key` for API POSTs: a repeat gets the first answer and
writes nothing.

The key is claimed by inserting a row in the same transaction as the write
it guards, and the answer is stored in that row before the commit. A
concurrent repeat on another worker waits on the unique index until the
first commits, then finds the answer; if the first failed, its claim went
with its rollback and the repeat does the work. Keys are kept a day.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from postmortem.domain.errors import Conflict, ValidationError
from postmortem.extensions import db
from postmortem.models import IdempotencyKey
from postmortem.models.types import utcnow

KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
FIELD = "Idempotency-Key"


@dataclass(frozen=True)
class Answer:
    """The stored response to the first request made with a key."""

    status_code: int
    body: str
    location: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() \
            or not key.isprintable():
        raise ValidationError({FIELD: f"must be 1 to {MAX_KEY_LENGTH} printable "
                                      "ASCII characters"})
    return key


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key,
        IdempotencyKey.created_at > utcnow() - KEPT_FOR))


def _answer(row: IdempotencyKey, request_hash: str) -> Answer:
    if row.request_hash != request_hash:
        raise ValidationError(
            {FIELD: "was already used for a different request; use a new key "
                    "for each new request"},
            "Idempotency-Key reused with a different request")
    if row.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still in progress; "
                       "retry in a moment.")
    return Answer(row.status_code, row.response_body or "", row.location)


def claim(user_id: int, key: str, request_hash: str) -> Answer | IdempotencyKey:
    """The stored answer if this key was used, else a claim (a pending row)
    to `remember` the answer in before committing."""
    key = _check_key(key)
    row = _find(user_id, key)
    if row is not None:
        return _answer(row, request_hash)
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id,
        IdempotencyKey.created_at <= utcnow() - KEPT_FOR))
    row = IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request with this key committed first.
        db.session.rollback()
        row = _find(user_id, key)
        if row is None:
            raise Conflict("A request with this Idempotency-Key is in progress; "
                           "retry in a moment.") from None
        return _answer(row, request_hash)
    return row


def remember(row: IdempotencyKey, status_code: int, body: str,
             location: str | None) -> None:
    """Keep the answer with the claim, to commit with the write."""
    row.status_code = status_code
    row.response_body = body
    row.location = location
