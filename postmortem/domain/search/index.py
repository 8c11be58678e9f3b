"""Keeps search documents and list facets current, in the same flush (so the
same transaction) as the rows whose text they copy.

Every searchable text is one `Source`: a model and the attributes whose text
is indexed. Adding a kind of document is one more line in `SOURCES`; a
migration or `rebuild()` fills it for existing rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.models import (
    AffectedComponent,
    Incident,
    IncidentFacet,
    IncidentLabel,
    Postmortem,
    PostmortemSection,
    SearchDocument,
    StatusUpdate,
    TimelineEvent,
)


@dataclass(frozen=True)
class Source:
    kind: str
    model: type
    fields: tuple[str, ...]
    # The column naming the incident a row belongs to: on the row itself, or,
    # when `parent` is set, on the parent row named by the row's `parent_attr`
    # (a post-mortem section belongs to its post-mortem's incident).
    incident_attr: str = "incident_id"
    parent: type | None = None
    parent_attr: str = ""

    def incident_sql(self) -> sa.ColumnElement[int]:
        """The incident id of each row of `model`, in SQL."""
        if self.parent is None:
            return getattr(self.model, self.incident_attr)
        return (sa.select(getattr(self.parent, self.incident_attr))
                .where(self.parent.id == getattr(self.model, self.parent_attr))
                .scalar_subquery())

    def text(self, row: Any) -> str:
        return " ".join(getattr(row, name) or "" for name in self.fields)

    def text_sql(self) -> sa.ColumnElement[str]:
        columns = [sa.func.coalesce(getattr(self.model, name), "")
                   for name in self.fields]
        out = columns[0]
        for column in columns[1:]:
            out = out + " " + column
        return out

    def changed(self, row: Any) -> bool:
        state = sa.inspect(row)
        return any(state.attrs[name].history.has_changes() for name in self.fields)


SOURCES: tuple[Source, ...] = (
    Source("incident", Incident, ("title", "summary"), "id"),
    Source("update", StatusUpdate, ("message",)),
    Source("event", TimelineEvent, ("text",)),
    Source("section", PostmortemSection, ("body",),
           parent=Postmortem, parent_attr="postmortem_id"),
)
# What moves an incident's list facets (components, tags, start time).
FACET_MODELS = (Incident, AffectedComponent, IncidentLabel)

documents = SearchDocument.__table__
facets = IncidentFacet.__table__


def _source(row: Any) -> Source | None:
    for source in SOURCES:
        if isinstance(row, source.model):
            return source
    return None


def _incident_of(connection: sa.Connection, source: Source, row: Any,
                 known: dict[tuple[type, int], int]) -> int:
    if source.parent is None:
        return getattr(row, source.incident_attr)
    # Asked of the database, not of a relationship: lazy loads have no place
    # inside a flush. One query per parent row and flush.
    key = (source.parent, getattr(row, source.parent_attr))
    if key not in known:
        known[key] = connection.scalar(
            sa.select(getattr(source.parent, source.incident_attr))
            .where(source.parent.id == key[1]))
    return known[key]


def _write_documents(connection: sa.Connection, session: so.Session) -> None:
    gone: list[tuple[str, int]] = []
    fresh: list[dict[str, Any]] = []
    known: dict[tuple[type, int], int] = {}
    for row in session.deleted:
        if source := _source(row):
            gone.append((source.kind, row.id))
    for row in [*session.new, *session.dirty]:
        source = _source(row)
        if source is None or (row not in session.new and not source.changed(row)):
            continue
        gone.append((source.kind, row.id))
        fresh.append({"incident_id": _incident_of(connection, source, row, known),
                      "kind": source.kind, "ref_id": row.id,
                      "body": source.text(row)})
    if gone:
        connection.execute(documents.delete().where(
            sa.tuple_(documents.c.kind, documents.c.ref_id).in_(gone)))
    if fresh:
        connection.execute(documents.insert(), fresh)


def _moves_facets(row: Any, session: so.Session) -> bool:
    if row in session.new or row in session.deleted:
        return isinstance(row, FACET_MODELS)
    state = sa.inspect(row)
    if isinstance(row, Incident):
        return any(state.attrs[name].history.has_changes()
                   for name in (*FACET_COPIES, "commander"))
    if isinstance(row, AffectedComponent):
        return state.attrs.component_id.history.has_changes()
    return isinstance(row, IncidentLabel)


def _touched_incidents(session: so.Session) -> set[int]:
    ids: set[int] = set()
    for row in [*session.new, *session.dirty, *session.deleted]:
        if not _moves_facets(row, session):
            continue
        ids.add(row.id if isinstance(row, Incident) else row.incident_id)
    ids.discard(None)
    return ids


def refresh_facets(connection: sa.Connection, incident_ids: Iterable[int]) -> None:
    """Recopy the components, tags and start time of these incidents."""
    ids = list(incident_ids)
    if not ids:
        return
    connection.execute(facets.delete().where(facets.c.incident_id.in_(ids)))
    for select in _facet_selects(Incident.id.in_(ids)):
        connection.execute(facets.insert().from_select(
            FACET_COLUMNS, select))


FACET_COLUMNS = ["facet", "value", "incident_id", "started_at", "is_public",
                 "commander_id"]
# What a facet row copies from its incident, and so what moves it.
FACET_COPIES = ("started_at", "is_public", "commander_id")


def _incident_columns() -> list[sa.ColumnElement]:
    return [Incident.id, *(getattr(Incident, name) for name in FACET_COPIES)]


def _facet_selects(where: sa.ColumnElement[bool]) -> list[sa.Select]:
    component = (
        sa.select(sa.literal("component"),
                  sa.cast(AffectedComponent.component_id, sa.String(64)),
                  *_incident_columns())
        .join(AffectedComponent, AffectedComponent.incident_id == Incident.id)
        .where(where))
    tag = (
        sa.select(sa.literal("tag"), IncidentLabel.value, *_incident_columns())
        .join(IncidentLabel, IncidentLabel.incident_id == Incident.id)
        .where(where, IncidentLabel.kind == "tag"))
    return [component, tag]


def _after_flush(session: so.Session, _context: Any) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    connection = session.connection()
    _write_documents(connection, session)
    refresh_facets(connection, _touched_incidents(session))


def rebuild(connection: sa.Connection, incident_ids: list[int] | None = None) -> None:
    """(Re)index existing rows: all of them, or those of some incidents. Bulk
    writers that bypass the ORM (the history generator) call this."""
    where_incident = (Incident.id.in_(incident_ids) if incident_ids is not None
                      else sa.true())
    if incident_ids is None:
        connection.execute(documents.delete())
        connection.execute(facets.delete())
    else:
        connection.execute(documents.delete().where(
            documents.c.incident_id.in_(incident_ids)))
        connection.execute(facets.delete().where(
            facets.c.incident_id.in_(incident_ids)))
    for source in SOURCES:
        incident_col = source.incident_sql()
        select = (sa.select(incident_col, sa.literal(source.kind),
                            source.model.id, source.text_sql())
                  .where(incident_col.in_(sa.select(Incident.id)
                                          .where(where_incident)))
                  .order_by(source.model.id))
        connection.execute(documents.insert().from_select(
            ["incident_id", "kind", "ref_id", "body"], select))
    for select in _facet_selects(where_incident):
        connection.execute(facets.insert().from_select(
            FACET_COLUMNS, select))


def install() -> None:
    """Hook the index into every session's flush (once per process)."""
    if not sa.event.contains(so.Session, "after_flush", _after_flush):
        sa.event.listen(so.Session, "after_flush", _after_flush)
