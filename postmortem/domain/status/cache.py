"""Rendered public responses, stored in the database per public state version.

A hit is one indexed query that joins the render to the state row, so a render
made by one worker is served by every other worker and host; a miss renders,
stores and serves. Renders also expire at `valid_until` (midnight moves the
90-day bars, a maintenance start moves component statuses) so time-driven
changes need no writer.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from postmortem.domain.status import state
from postmortem.models import StatusRender, StatusState
from postmortem.models.types import utcnow

MAX_KEY = 300


@dataclass(frozen=True)
class Rendered:
    """What a renderer returns."""

    body: bytes
    content_type: str
    valid_until: datetime


@dataclass(frozen=True)
class Stored:
    """What is served: the body and the validators computed once for it."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


def cache_key(*parts: str) -> str:
    key = "|".join(parts)
    if len(key) > MAX_KEY:
        key = key[:200] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


def lookup(session: so.Session, key: str, now: datetime) -> Stored | None:
    row = session.execute(
        sa.select(StatusRender.body, StatusRender.content_type, StatusRender.etag,
                  StatusRender.last_modified)
        .join(StatusState, sa.and_(StatusState.id == state.STATE_ID,
                                   StatusState.version == StatusRender.version))
        .where(StatusRender.key == key, StatusRender.valid_until > now)
    ).first()
    return Stored(*row) if row else None


def _etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def store(session: so.Session, key: str, version: int, rendered: Rendered,
          last_modified: datetime) -> Stored:
    """Keep a render for `version`; `last_modified` is when it was made (a
    re-render after `valid_until` may differ under the same version)."""
    stored = Stored(rendered.body, rendered.content_type, _etag(rendered.body),
                    last_modified)
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        StatusRender).values(
        key=key, version=version, body=stored.body, content_type=stored.content_type,
        etag=stored.etag, last_modified=last_modified,
        valid_until=rendered.valid_until)
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
    hit = lookup(session, key, now)
    if hit is not None:
        return hit
    state.ensure(session.connection())
    version, _changed_at = state.current(session)
    rendered = render()
    stored = store(session, key, version, rendered, now.replace(microsecond=0))
    session.commit()
    return stored
