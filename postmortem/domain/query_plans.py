"""The plans the database picks for what a function runs: how the tests and
the scale bench check that no list or search reads every incident."""

import re
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from postmortem.extensions import db

# A plan step reading a whole table rather than an index range. (SQLite's
# "SCAN t USING INDEX" walks an index in order and stops at the LIMIT; a
# "SCAN anon_1" reads a subquery's rows, not a table.)
_FULL_SCAN = {
    "sqlite": re.compile(r"^SCAN (?!anon_)(\w+)$"),
    "postgresql": re.compile(r"Seq Scan on (\w+)"),
}


@contextmanager
def _captured():
    statements: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)


def statements_of(work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SELECTs `work()` sends, with their parameters."""
    with _captured() as statements:
        work()
    return statements


def explain(statement: str, parameters: Any, forbid_seqscan: bool = False
            ) -> list[str]:
    """The plan of one captured statement, a line per step.

    With `forbid_seqscan`, PostgreSQL is told sequential scans are a last
    resort, so a test on tiny tables sees the plan an index makes possible
    (as it would be chosen on a large history) rather than the seq scan
    that is cheapest for ten rows.
    """
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    cursor = raw.cursor()
    try:
        if connection.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [row[-1] for row in cursor.fetchall()]
        if forbid_seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        if forbid_seqscan and connection.dialect.name != "sqlite":
            cursor.execute("RESET enable_seqscan")
        cursor.close()


def full_scans(plan: list[str]) -> set[str]:
    """Tables the plan reads in full."""
    pattern = _FULL_SCAN[db.session.get_bind().dialect.name]
    return {m.group(1) for line in plan if (m := pattern.search(line.strip()))}
