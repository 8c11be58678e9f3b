"""INSERT … ON CONFLICT: both databases have it, spelled the same, but
SQLAlchemy builds it per dialect."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def insert(dialect: str, table: Any):
    """An insert into `table` (a model or table) that takes
    `on_conflict_do_update` / `on_conflict_do_nothing`."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
