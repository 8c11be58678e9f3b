"""Rendered public responses, stored in the database per public state version.

A hit is one indexed query that joins the render to the state row, so a render
made by one worker is served by every other worker and host; a miss renders,
stores and serves. Renders also expire at `valid_until` (midnight moves the
90-day bars, a maintenance start moves component statuses) so time-driven
changes need no writer.

The hit path is what an outage's crowd costs, so it is plain driver SQL on a
pooled connection, and each process keeps the bodies it has served keyed by
their ETag: the database still decides, on every request, which ETag is
current; memory only saves fetching the same bytes again.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain import upsert
from postmortem.domain.status import state
from postmortem.models import StatusRender
from postmortem.models.types import utcnow

MAX_KEY = 300
MEMO_SIZE = 256
_HIT = ("SELECT r.etag, r.content_type, r.last_modified FROM status_render r "
        "JOIN status_state s ON s.id = 1 AND s.version = r.version "
        "WHERE r.key = {p} AND r.valid_until > {p}")
_BODY = "SELECT body FROM status_render WHERE key = {p} AND etag = {p}"


@dataclass(frozen=True)
class Rendered:
    """What a renderer returns."""

    body: bytes
    content_type: str
    valid_until: datetime


@dataclass(frozen=True)
class Stored:
    """What is served: validators computed once per render; the body is
    fetched only when it is sent (a 304 needs none)."""

    key: str
    etag: str
    content_type: str
    last_modified: int  # Unix seconds
    body: bytes | None = None


class _Memo:
    """The last bodies this process served, by (key, etag)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, etag: str) -> bytes | None:
        with self.lock:
            body = self.items.get((key, etag))
            if body is not None:
                self.items.move_to_end((key, etag))
            return body

    def put(self, key: str, etag: str, body: bytes) -> None:
        with self.lock:
            self.items[(key, etag)] = body
            self.items.move_to_end((key, etag))
            while len(self.items) > self.size:
                self.items.popitem(last=False)


memo = _Memo(MEMO_SIZE)


def cache_key(*parts: str) -> str:
    key = "|".join(parts)
    if len(key) > MAX_KEY:
        key = key[:200] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _sql(template: str, connection: sa.Connection) -> str:
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return template.format(p=marker)


def lookup(connection: sa.Connection, key: str, now: datetime) -> Stored | None:
    """The current render of `key`, without its body, or None."""
    row = connection.exec_driver_sql(
        _sql(_HIT, connection), (key, int(now.timestamp()))).first()
    return Stored(key, row[0], row[1], row[2]) if row else None


def peek(engine: sa.Engine, key: str, now: datetime) -> Stored | None:
    """`lookup` on a pooled connection of its own."""
    with engine.connect() as connection:
        return lookup(connection, key, now)


def body(engine: sa.Engine, stored: Stored) -> bytes:
    """The body of a render: in hand after a miss, else from this process's
    memo, else from the database."""
    if stored.body is not None:
        memo.put(stored.key, stored.etag, stored.body)
        return stored.body
    found = memo.get(stored.key, stored.etag)
    if found is None:
        with engine.connect() as connection:
            found = connection.exec_driver_sql(
                _sql(_BODY, connection), (stored.key, stored.etag)).scalar()
        if found is None:
            raise LookupError(f"render {stored.key} {stored.etag} is gone")
        found = bytes(found)
        memo.put(stored.key, stored.etag, found)
    return found


def _etag(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:32]


def store(session: so.Session, key: str, version: int, rendered: Rendered,
          now: datetime) -> Stored:
    """Keep a render for `version`; Last-Modified is when it was made (a
    re-render after `valid_until` may differ under the same version)."""
    stored = Stored(key, _etag(rendered.body), rendered.content_type,
                    int(now.timestamp()), rendered.body)
    dialect = session.get_bind().dialect.name
    insert = upsert.insert(dialect, StatusRender).values(
        key=key, version=version, body=stored.body, content_type=stored.content_type,
        etag=stored.etag, last_modified=stored.last_modified,
        valid_until=int(rendered.valid_until.timestamp()))
    excluded = insert.excluded
    # A slow render of an older version must not replace a newer one.
    session.execute(insert.on_conflict_do_update(
        index_elements=[StatusRender.key],
        set_={"version": excluded.version, "body": excluded.body,
              "content_type": excluded.content_type, "etag": excluded.etag,
              "last_modified": excluded.last_modified,
              "valid_until": excluded.valid_until},
        where=StatusRender.version <= excluded.version,
    ))
    return stored


def fetch(session: so.Session, key: str, render: Callable[[], Rendered],
          now: datetime | None = None) -> Stored:
    """The stored response for `key`, rendering and storing it on a miss.

    The version is read before the data, so a body is never labelled with a
    version newer than what it shows. Commits the session on a miss (callers
    are read-only public views)."""
    now = now or utcnow()
    hit = peek(session.get_bind(), key, now)
    if hit is not None:
        return hit
    state.ensure(session.connection())
    version, _changed_at = state.current(session)
    stored = store(session, key, version, render(), now)
    session.commit()
    return stored
