"""Sign-in throttling: after LIMIT failures for one account or one client
address within WINDOW, sign-in is refused until the oldest of them ages out.

Failures are rows in the database, so every gunicorn worker and host counts
the same ones. Flask-Limiter (the well-kept choice) has no SQL storage, and
needing Redis or memcached for one counter would break the embedded setup;
this is a sliding-window count over an indexed table that is pruned as it
goes, so it stays as small as the last WINDOW of failures.
"""

import hashlib
import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import LoginAttempt
from postmortem.models.types import utcnow

LIMIT = 10
WINDOW = timedelta(minutes=15)


def subjects(email: str | None, address: str | None) -> list[str]:
    """What a sign-in attempt counts against: the account, then the address.

    Hashed, so the table keeps neither emails nor addresses (and any text,
    NUL included, fits its column).
    """
    account = "account:" + (email or "").strip().lower()
    return [hashlib.sha256(s.encode("utf-8", "replace")).hexdigest()
            for s in (account, "address:" + (address or ""))]


def retry_after(names: list[str], now: datetime | None = None) -> int | None:
    """Seconds until sign-in is allowed again for `names`, or None if it is."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(LoginAttempt.subject, LoginAttempt.at)
        .where(LoginAttempt.subject.in_(names), LoginAttempt.at > now - WINDOW)
        .order_by(LoginAttempt.at)
    )
    failures: dict[str, list[datetime]] = {}
    for subject, at in rows:
        failures.setdefault(subject, []).append(at)
    wait = 0.0
    for times in failures.values():
        if len(times) >= LIMIT:
            # Allowed again once fewer than LIMIT remain inside the window.
            lifted = times[len(times) - LIMIT] + WINDOW
            wait = max(wait, (lifted - now).total_seconds())
    return math.ceil(wait) if wait > 0 else None


def record_failure(names: list[str], now: datetime | None = None) -> None:
    """Count a failed sign-in against each of `names`; forget expired ones."""
    now = now or utcnow()
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))
    db.session.add_all(LoginAttempt(subject=name, at=now) for name in names)


def forget(name: str) -> None:
    """A successful sign-in clears its account's failures (not the address's:
    one good password must not reset an address that tries many accounts)."""
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.subject == name))
