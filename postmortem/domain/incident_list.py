"""Finding incidents: the filtered list, full-text search, and paging both.

Lists page by keyset (an opaque cursor naming the last row seen) along an
index that serves the filter and the order, so the 50th page costs what the
first does. Old `page=` links still work up to PAGE_CAP pages. Counting
stops at COUNT_CAP. Every query keeps only what the viewer may see.
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from markupsafe import Markup
from sqlalchemy.sql.visitors import replacement_traverse

from postmortem.domain.errors import ValidationError
from postmortem.domain.search import engine
from postmortem.domain.search import query as search_query
from postmortem.domain.values import Fields, parse_time
from postmortem.domain.visibility import visible_clause
from postmortem.domain.vocabulary import INCIDENT_STATUSES, SEVERITIES
from postmortem.extensions import db
from postmortem.models import Component, Incident, IncidentFacet, User

PAGE_CAP = 100
SEARCH_WINDOW = engine.WINDOW
COUNT_CAP = 10_000
FILTERS = ("q", "status", "severity", "component", "tag", "public", "page", "cursor")
Viewer = User | None | object


@dataclass
class ListPage:
    items: list[Incident]
    per_page: int
    # Exact, or None when counting stopped: then there are more than
    # `more_than` (COUNT_CAP, or for a search the matches in its window).
    total: int | None
    next_cursor: str | None = None
    prev_cursor: str | None = None
    page: int | None = None
    ranked: bool = False
    more_than: int | None = None
    snippets: dict[int, Markup] = field(default_factory=dict)

    @property
    def pages(self) -> int | None:
        if self.total is None or self.ranked:
            return None
        return max(1, math.ceil(self.total / self.per_page))


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> dict[str, Any]:
    """The position a cursor names; anything else is a ValueError."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("is not a position in this list") from None
    if not isinstance(position, dict):
        raise ValueError("is not a position in this list")
    if "o" in position:
        offset = position["o"]
        if not isinstance(offset, int) or isinstance(offset, bool) or not (
                0 <= offset <= engine.WINDOW):
            raise ValueError("is not a position in this list")
        return {"o": offset}
    key_id, moment, way = position.get("i"), position.get("t"), position.get("a")
    if (not isinstance(key_id, int) or isinstance(key_id, bool) or
            not 0 < key_id < 2**31 or way not in ("after", "before")):
        raise ValueError("is not a position in this list")
    return {"i": key_id, "t": parse_time(moment), "a": way}


def clean_filters(args: Any) -> dict[str, Any]:
    """Validated list filters from query-string arguments."""
    fields = Fields({k: args.get(k) for k in FILTERS if args.get(k) not in (None, "")})
    fields.text("q", 200)
    fields.choice("status", INCIDENT_STATUSES)
    fields.choice("severity", SEVERITIES)
    fields.text("component", 64)
    fields.text("tag", 64)
    fields.flag("public", default=None)
    fields.number("page", minimum=1, maximum=100_000, integer=True, default=1)
    fields.text("cursor", 500, default=None)
    if fields.values.get("page", 1) > PAGE_CAP:
        fields.error("page", f"page numbers stop at {PAGE_CAP}: follow the "
                             "Older link from there")
    filters = fields.result()
    if filters.get("cursor"):
        try:
            filters["cursor"] = decode_cursor(filters["cursor"])
        except ValueError as exc:
            raise ValidationError({"cursor": str(exc)}) from None
    if filters.get("q"):
        filters["query"] = search_query.parse(filters["q"])
        if filters.get("cursor") and "o" not in filters["cursor"]:
            raise ValidationError({"cursor": "belongs to a list, not a search"})
    elif filters.get("cursor") and "o" in filters["cursor"]:
        raise ValidationError({"cursor": "belongs to a search, not a list"})
    return filters


def _component_id(slug: str) -> int | None:
    return db.session.scalar(sa.select(Component.id).where(Component.slug == slug))


def _facet_value(filters: dict[str, Any], name: str) -> str | None:
    """The facet value a component or tag filter looks for ("" = nothing)."""
    if not filters.get(name):
        return None
    if name == "tag":
        return filters["tag"]
    found = _component_id(filters["component"])
    return "" if found is None else str(found)


def _has_facet(facet: str, value: str) -> sa.ColumnElement[bool]:
    row = so.aliased(IncidentFacet)
    return sa.exists().where(row.facet == facet, row.value == value,
                             row.incident_id == Incident.id)


def filter_clauses(filters: dict[str, Any], viewer: Viewer,
                   driving: str | None = None) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses over Incident for the filters and the viewer; the
    `driving` facet is left out (the caller reads it from its index)."""
    clauses = [visible_clause(viewer)]
    for name in ("status", "severity"):
        if filters.get(name):
            clauses.append(getattr(Incident, name) == filters[name])
    if filters.get("public") is not None:
        clauses.append(Incident.is_public.is_(filters["public"]))
    for name in ("component", "tag"):
        value = _facet_value(filters, name)
        if value is not None and name != driving:
            clauses.append(_has_facet(name, value) if value else sa.false())
    return clauses


# Incident columns a facet row copies, by the facet column's name.
_ON_FACETS = {"id": "incident_id", "is_public": "is_public",
              "commander_id": "commander_id", "started_at": "started_at"}


def on_facets(clause: sa.ColumnElement[bool]) -> sa.ColumnElement[bool] | None:
    """`clause` (over Incident) rewritten over the facet table's copies of
    the incident's columns, or None if it needs a column no facet copies."""
    incident, facets = Incident.__table__, IncidentFacet.__table__
    missing = []

    def replace(element):
        if isinstance(element, sa.Column) and element.table is incident:
            if element.name in _ON_FACETS:
                return facets.c[_ON_FACETS[element.name]]
            missing.append(element.name)
        return None

    adapted = replacement_traverse(clause, {}, replace)
    return None if missing else adapted


def _counted(filters: dict[str, Any], viewer: Viewer):
    """What `_keyed` counts, from the facet index alone when it can be."""
    driving = next((n for n in ("component", "tag") if filters.get(n)), None)
    clauses = filter_clauses(filters, viewer, driving)
    on_facet = [on_facets(c) for c in clauses]
    if driving is None or any(c is None for c in on_facet):
        query, started, key = _keyed(filters, viewer)
        return query, started, key
    query = sa.select(IncidentFacet.incident_id).where(
        IncidentFacet.facet == driving,
        IncidentFacet.value == _facet_value(filters, driving), *on_facet)
    return query, IncidentFacet.started_at, IncidentFacet.incident_id


def _keyed(filters: dict[str, Any], viewer: Viewer):
    """(query, started_at key, id key): the list in index order, driven by the
    component or tag facet when one is asked for."""
    driving = next((n for n in ("component", "tag") if filters.get(n)), None)
    query = sa.select(Incident)
    if driving is None:
        return (query.where(*filter_clauses(filters, viewer)),
                Incident.started_at, Incident.id)
    value = _facet_value(filters, driving)
    query = (query.select_from(IncidentFacet)
             .join(Incident, Incident.id == IncidentFacet.incident_id)
             .where(IncidentFacet.facet == driving, IncidentFacet.value == value,
                    *filter_clauses(filters, viewer, driving)))
    return query, IncidentFacet.started_at, IncidentFacet.incident_id


def filter_query(filters: dict[str, Any], viewer: Viewer) -> sa.Select:
    """The incidents matching list filters (status, severity, component, tag,
    public) that `viewer` may see, newest first. Text search is `list_page`'s."""
    query, started, key = _keyed(filters, viewer)
    return query.order_by(started.desc(), key.desc())


def with_details(query: sa.Select) -> sa.Select:
    """Eager-load what list rows show, so rows add no queries."""
    return query.options(so.selectinload(Incident.affected),
                         so.selectinload(Incident.labels))


def list_page(filters: dict[str, Any], viewer: Viewer, per_page: int) -> ListPage:
    """One page of the list, or of search results when `q` is given."""
    if filters.get("query"):
        return _search_page(filters, viewer, per_page)
    query, started, key = _keyed(filters, viewer)
    cursor = filters.get("cursor")
    total = _count(*_counted(filters, viewer))
    if cursor and cursor["a"] == "before":
        return _page_before(query, started, key, cursor, per_page, total)
    if cursor:
        query = query.where(sa.tuple_(started, key) < sa.tuple_(
            sa.literal(cursor["t"], type_=started.type), cursor["i"]))
    page = None if cursor else filters.get("page", 1)
    query = query.order_by(started.desc(), key.desc())
    if page and page > 1:
        query = query.offset((page - 1) * per_page)
    rows = list(db.session.scalars(with_details(query.limit(per_page + 1))))
    items = rows[:per_page]
    result = ListPage(items, per_page, total, page=page, more_than=_floor(total))
    if len(rows) > per_page:
        result.next_cursor = _cursor(items[-1], "after")
    if items and (cursor or (page or 1) > 1):
        result.prev_cursor = _cursor(items[0], "before")
    elif cursor:
        result.prev_cursor = encode_cursor({**_position(cursor), "a": "before"})
    return result


def _page_before(query, started, key, cursor, per_page: int,
                 total: int | None) -> ListPage:
    query = query.where(sa.tuple_(started, key) > sa.tuple_(
        sa.literal(cursor["t"], type_=started.type), cursor["i"]))
    query = query.order_by(started.asc(), key.asc()).limit(per_page + 1)
    rows = list(db.session.scalars(with_details(query)))
    items = rows[:per_page][::-1]
    result = ListPage(items, per_page, total, more_than=_floor(total))
    if len(rows) > per_page:
        result.prev_cursor = _cursor(items[0], "before")
    if items:
        result.next_cursor = _cursor(items[-1], "after")
    return result


def _position(cursor: dict[str, Any]) -> dict[str, Any]:
    return {"t": cursor["t"].isoformat(), "i": cursor["i"]}


def _cursor(incident: Incident, way: str) -> str:
    return encode_cursor({"t": incident.started_at.isoformat(), "i": incident.id,
                          "a": way})


def _floor(total: int | None) -> int | None:
    return COUNT_CAP if total is None else None


def _count(query: sa.Select, started: sa.ColumnElement,
           key: sa.ColumnElement) -> int | None:
    """The number of matches, or None past COUNT_CAP: counting stops there.
    In list order, so the database walks the list's index, not the table."""
    limited = (query.with_only_columns(key).order_by(started.desc(), key.desc())
               .limit(COUNT_CAP + 1).subquery())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(limited))
    return None if total > COUNT_CAP else total


def _search_page(filters: dict[str, Any], viewer: Viewer, per_page: int) -> ListPage:
    query = filters["query"]
    raw = engine.candidates(query, filter_clauses(filters, viewer))
    hits = engine.best_per_incident(raw)
    cursor = filters.get("cursor")
    offset = cursor["o"] if cursor else (filters.get("page", 1) - 1) * per_page
    shown = hits[offset:offset + per_page]
    by_id = {i.id: i for i in db.session.scalars(with_details(
        sa.select(Incident).where(Incident.id.in_([h.incident_id for h in shown]))))}
    found = engine.snippets(query, [h.document_id for h in shown])
    # A full window means older texts match too: the count is a floor.
    full = len(raw) >= engine.WINDOW
    result = ListPage([by_id[h.incident_id] for h in shown], per_page,
                      None if full else len(hits), ranked=True,
                      more_than=len(hits) if full else None,
                      page=None if cursor else filters.get("page", 1))
    result.snippets = {h.incident_id: found[h.document_id] for h in shown
                       if found.get(h.document_id)}
    if offset + per_page < len(hits):
        result.next_cursor = encode_cursor({"o": offset + per_page})
    if offset > 0:
        result.prev_cursor = encode_cursor({"o": max(0, offset - per_page)})
    return result
