"""Signed-in browsers: started at sign-in, ended by sign-out, a password
change, a reset, deactivation or "sign out everywhere".

The cookies carry a random session key, not the user id; only its hash is
stored. Flask's session cookie is signed, not stored, so without a row to
delete a copied cookie would keep working after any of those events.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import User, UserSession
from postmortem.models.types import utcnow

# The longest a sign-in lasts, "keep me signed in" or not; the remember
# cookie is given the same lifetime.
LIFETIME = timedelta(days=30)


def _hash(key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough.
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User) -> str:
    """A new session for `user`; its key is set on the user (for get_id)."""
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key),
                               created_at=now, expires_at=now + LIFETIME))
    user.session_key = key
    return key


def load(key: str | None) -> User | None:
    """The active user whose live session has this key, or None."""
    if not key or len(key) > 100:
        return None
    row = db.session.scalar(sa.select(UserSession)
                            .where(UserSession.key_hash == _hash(key)))
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    row.user.session_key = key
    return row.user


def end(key: str | None) -> None:
    """Sign one browser out."""
    if key:
        db.session.execute(sa.delete(UserSession)
                           .where(UserSession.key_hash == _hash(key)))


def end_all(user: User) -> None:
    """Sign `user` out everywhere."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    user.session_key = None


def count(user: User) -> int:
    """How many live sessions `user` has (the account page shows it)."""
    return db.session.scalar(
        sa.select(sa.func.count(UserSession.id))
        .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
    ) or 0
