"""Rendered fragments shared by every worker and host.

Entries live in the database (`cache_entry`), or in Redis when `REDIS_URL`
is set: never in one process's memory, so a second gunicorn worker or host
sees what the first built, and a change seen by one is seen by all.

Each entry is stored under a key with the fingerprint of what it was built
from (an incident's version, its samples, the code that drew it); a lookup
with another fingerprint is a miss and the entry is replaced, so there is
one entry per key and nothing to expire.
"""

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from postmortem.domain import charts, upsert
from postmortem.extensions import db
from postmortem.models import CacheEntry, ImpactSample, Incident
from postmortem.models.types import utcnow

log = logging.getLogger(__name__)
# A deploy that changes how charts are drawn must not serve old drawings.
CHARTS_CODE = hashlib.sha256(Path(charts.__file__).read_bytes()).hexdigest()[:16]
_redis_clients: dict[str, Any] = {}
# An entry nobody has stored afresh for this long is let go (Redis expires
# it; `flask prune-cache` deletes it from the table): a page viewed again
# is rendered once more.
KEEP = timedelta(days=30)


def fingerprint(*parts: Any) -> str:
    raw = json.dumps(parts, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


def _redis_url() -> str | None:
    return current_app.config.get("REDIS_URL") or os.environ.get("REDIS_URL")


def _redis(url: str):
    # One client (a connection pool) per URL and process: a pool, not a cache.
    if url not in _redis_clients:
        try:
            import redis
        except ImportError:
            raise RuntimeError("REDIS_URL is set but the redis package is not "
                               "installed: pip install redis") from None
        _redis_clients[url] = redis.Redis.from_url(url)
    return _redis_clients[url]


def _get(key: str, wanted: str) -> str | None:
    if url := _redis_url():
        raw = _redis(url).get("postmortem:" + key)
        if raw is None:
            return None
        entry = json.loads(raw)
        return entry["value"] if entry.get("fingerprint") == wanted else None
    entry = db.session.execute(
        sa.select(CacheEntry.fingerprint, CacheEntry.value)
        .where(CacheEntry.key == key)).first()
    return entry.value if entry is not None and entry.fingerprint == wanted else None


def _put(key: str, wanted: str, value: str) -> None:
    if url := _redis_url():
        _redis(url).set("postmortem:" + key,
                        json.dumps({"fingerprint": wanted, "value": value}),
                        ex=int(KEEP.total_seconds()))
        return
    table = CacheEntry.__table__
    row = {"key": key, "fingerprint": wanted, "value": value, "stored_at": utcnow()}
    dialect = db.engine.dialect.name
    statement = upsert.insert(dialect, table).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"fingerprint": statement.excluded.fingerprint,
              "value": statement.excluded.value,
              "stored_at": statement.excluded.stored_at})
    # Its own short transaction: a page view (which never commits) still
    # leaves the entry for the next one, and a failure here is only a miss.
    with db.engine.begin() as connection:
        if dialect == "sqlite":
            # Never queue behind a writer (maybe this very request): a
            # busy database is a skipped store, not a stalled page.
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            connection.execute(statement)
        finally:
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 5000")


def fetch(key: str, wanted: str, build: Callable[[], str]) -> str:
    """The value stored under `key` for this fingerprint, or `build()`'s,
    stored for next time."""
    try:
        hit = _get(key, wanted)
    except Exception:  # a cache that is down is a miss, not an error page
        log.warning("cache read failed for %s", key, exc_info=True)
        hit = None
    if hit is not None:
        return hit
    value = build()
    try:
        _put(key, wanted, value)
    except Exception:
        log.warning("cache write failed for %s", key, exc_info=True)
    return value


def prune(older_than: timedelta = KEEP) -> int:
    """Delete the table's entries stored longer ago than `older_than` (one
    per incident and reader role is kept otherwise, for incidents nobody
    opens any more); how many went."""
    return db.session.execute(sa.delete(CacheEntry).where(
        CacheEntry.stored_at < utcnow() - older_than)).rowcount


def impact_chart(samples: Sequence[ImpactSample], incident: Incident) -> Markup:
    """`charts.responsive_chart`, drawn once per change of the incident (its
    version: milestones) or of its samples."""
    wanted = fingerprint(CHARTS_CODE, incident.version,
                         [(s.metric, s.at, s.value) for s in samples])
    svg = fetch(f"impact-chart:{incident.id}", wanted,
                lambda: str(charts.responsive_chart(samples, incident)))
    return Markup(svg)  # noqa: S704 (built by charts.responsive_chart, escaped there)
