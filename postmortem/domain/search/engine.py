"""Runs a parsed search on the database's own full-text index.

Work is bounded for common words: the index hands back the newest matching
documents (FTS5 walks its rowids backwards; PostgreSQL either reads the GIN
index or walks the primary key backwards, whichever its statistics say is
cheaper, and for several words or a phrase looks at the newest documents
first) and only those WINDOW documents are ranked.
"""

import html
import math
from dataclasses import dataclass
from datetime import datetime

import nh3
import sqlalchemy as sa
from markupsafe import Markup

from postmortem.domain.search.query import Query, fts5
from postmortem.extensions import db
from postmortem.models import Incident, SearchDocument

# How many of the newest matching texts are ranked.
WINDOW = 200
CONFIG = "english"
# Private-use characters mark the matched words until the snippet is escaped.
START, STOP = "\ue000", "\ue001"
fts_table = sa.table("search_fts", sa.column("rowid"), sa.column("body"))
fts_self = sa.literal_column("search_fts")
tsv = sa.literal_column("search_document.tsv")


@dataclass(frozen=True)
class Hit:
    document_id: int
    incident_id: int
    kind: str
    score: float
    started_at: datetime


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def tsquery(query: Query) -> sa.ColumnElement:
    """The same query as a PostgreSQL tsquery, every term a bound value."""
    parts = []
    if query.words:
        parts.append(sa.func.plainto_tsquery(CONFIG, " ".join(query.words)))
    parts += [sa.func.phraseto_tsquery(CONFIG, p) for p in query.phrases]
    out = parts[0]
    for part in parts[1:]:
        out = sa.func.tsquery_and(out, part)
    if query.excluded:
        excluded = [sa.func.phraseto_tsquery(CONFIG, term) for term in query.excluded]
        either = excluded[0]
        for part in excluded[1:]:
            either = sa.func.tsquery_or(either, part)
        out = sa.func.tsquery_and(out, sa.func.tsquery_not(either))
    return out


def _newest_matches(ts: sa.ColumnElement, where: list, floor: int | None) -> sa.Select:
    """Ids of the newest WINDOW matching documents (above `floor`, if given)."""
    statement = (sa.select(SearchDocument.id)
                 .join(Incident, Incident.id == SearchDocument.incident_id)
                 .where(tsv.op("@@")(ts), *where))
    if floor is not None:
        statement = statement.where(SearchDocument.id > floor)
    return statement.order_by(SearchDocument.id.desc()).limit(WINDOW)


def candidates_query(query: Query, where: list, floor: int | None = None
                     ) -> sa.Select:
    """The newest WINDOW documents matching `query` among incidents kept by
    `where` (on PostgreSQL, among the documents above `floor`), with their
    relevance (higher is better)."""
    columns = (SearchDocument.id, SearchDocument.incident_id, SearchDocument.kind)
    if _is_sqlite():
        # Not bm25(): its word rarity term reads every match of every word,
        # which is what the window is there to avoid. The marked text gives
        # what ts_rank uses on PostgreSQL: matches and length.
        return (sa.select(*columns,
                          sa.func.highlight(fts_self, 0, START, STOP).label("score"),
                          Incident.started_at)
                .select_from(fts_table)
                .join(SearchDocument, SearchDocument.id == fts_table.c.rowid)
                .join(Incident, Incident.id == SearchDocument.incident_id)
                .where(fts_self.op("MATCH")(fts5(query)), *where)
                .order_by(fts_table.c.rowid.desc()).limit(WINDOW))
    newest = _newest_matches(tsquery(query), where, floor).subquery()
    # Ranked only once the window is chosen: ts_rank in the same SELECT as
    # the match would be computed for every match before the sort.
    # Normalisation 1: divided by 1 + log(length), as sqlite_score does.
    return (sa.select(*columns,
                      sa.func.ts_rank(tsv, tsquery(query), 1).label("score"),
                      Incident.started_at)
            .join(newest, newest.c.id == SearchDocument.id)
            .join(Incident, Incident.id == SearchDocument.incident_id))


def _spans(query: Query) -> tuple[int | None, ...]:
    """How far back (in documents) PostgreSQL looks for the window, widening
    until it is full. PostgreSQL estimates one word's matches well and walks
    the newest documents until it has WINDOW of them; it under-estimates
    several words or a phrase (it multiplies their shares), then reads every
    match through the GIN index and checks each one's positions. Bounding
    the look-back keeps that read to the newest documents when the window
    fills there, as it does for anything common enough to be costly."""
    if len(query.positive) == 1 and not query.phrases:
        return (None,)
    return (100 * WINDOW, 1000 * WINDOW, None)


def _postgresql_candidates(query: Query, where: list) -> list:
    newest = db.session.scalar(sa.select(sa.func.max(SearchDocument.id))) or 0
    for span in _spans(query):
        floor = None if span is None or span >= newest else newest - span
        rows = db.session.execute(candidates_query(query, where, floor)).all()
        if floor is None or len(rows) >= WINDOW:
            return rows
    return rows


def sqlite_score(marked: str) -> float:
    """Relevance from a text with its matches marked: matches per log of
    length, like PostgreSQL's ts_rank with normalisation 1."""
    return marked.count(START) / (1 + math.log(max(1, len(marked.split()))))


def candidates(query: Query, where: list) -> list[Hit]:
    if not _is_sqlite():
        return [Hit(*row) for row in _postgresql_candidates(query, where)]
    rows = db.session.execute(candidates_query(query, where))
    return [Hit(doc, incident, kind, sqlite_score(marked or ""), started)
            for doc, incident, kind, marked, started in rows]


def best_per_incident(hits: list[Hit]) -> list[Hit]:
    """One hit per incident, most relevant first, newer first on a tie."""
    best: dict[int, Hit] = {}
    for hit in hits:
        if hit.incident_id not in best or hit.score > best[hit.incident_id].score:
            best[hit.incident_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, -h.started_at.timestamp(),
                                                -h.incident_id))


def snippets(query: Query, document_ids: list[int]) -> dict[int, Markup]:
    """Highlighted, escaped excerpts of these documents around the matches."""
    if not document_ids:
        return {}
    if _is_sqlite():
        statement = (
            sa.select(fts_table.c.rowid,
                      sa.func.snippet(fts_self, 0, START, STOP, "…", 24))
            .where(fts_self.op("MATCH")(fts5(query)),
                   fts_table.c.rowid.in_(document_ids)))
    else:
        options = (f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
                   "MaxFragments=2, FragmentDelimiter=\" … \"")
        statement = (
            sa.select(SearchDocument.id,
                      sa.func.ts_headline(CONFIG, SearchDocument.body,
                                          tsquery(query), options))
            .where(SearchDocument.id.in_(document_ids)))
    return {doc_id: highlight(text or "") for doc_id, text in db.session.execute(
        statement)}


def highlight(raw: str) -> Markup:
    """Escape the excerpt, then turn the match markers into <mark>; nh3 makes
    sure only balanced <mark> elements come out, whatever the text held."""
    escaped = html.escape(raw, quote=False)
    marked = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    return Markup(nh3.clean(marked, tags={"mark"}, attributes={}))  # noqa: S704
