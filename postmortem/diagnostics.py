"""Counting the SQL a piece of work runs: the bench reports it and the tests
hold pages to it (a list page must not run a query per row)."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from postmortem.extensions import db


@contextmanager
def counting_queries() -> Iterator[dict[str, int]]:
    """Yields {"n": statements run so far}, on the current app's engine."""
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def rebuild_schema() -> None:
    """Drop every table of the current app's database and apply the
    migrations: a scratch database for the tests and the benchmarks (a reused
    PostgreSQL database may hold an older run's schema)."""
    from flask_migrate import upgrade

    with db.engine.begin() as connection:
        meta = sa.MetaData()
        meta.reflect(connection)
        meta.drop_all(connection)
    upgrade()
