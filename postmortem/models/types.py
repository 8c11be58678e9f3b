"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

# Ids are 32-bit integer columns. A bigger number names nothing: PostgreSQL
# refuses to cast it and SQLite to bind one past 64 bits, so it is never sent.
MAX_ID = 2**31 - 1


def known_id(value: Any) -> int | None:
    """`value` as an id that can exist (1 to MAX_ID), else None."""
    text = str(value)
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite drops the offset, so values are normalised to UTC on the way in and
    get it back on the way out; PostgreSQL stores timestamptz as usual.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times must carry a zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
