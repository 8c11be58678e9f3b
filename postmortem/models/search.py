"""What search and the incident list read instead of scanning incidents.

`SearchDocument` holds one row per searchable text (an incident's title and
summary, a status update, a timeline event…). The full-text index over it is
the database's own and lives outside this metadata: an FTS5 table kept by
triggers on SQLite, a generated `tsvector` column with a GIN index on
PostgreSQL (see migration 0008).

`IncidentFacet` copies each incident's components and tags next to its
`started_at`, so "incidents that hit the API, newest first" reads one index
range instead of joining and sorting every incident that ever hit it.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime

# Schema objects the migration creates with dialect-specific SQL; Alembic's
# model/migration comparison must not see them as strays.
SEARCH_INDEX_TABLE = "search_fts"
SEARCH_INDEX_COLUMN = "tsv"
SEARCH_INDEX_GIN = "ix_search_document_tsv"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic `include_name` hook: leave the native full-text index alone."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_INDEX_TABLE)
    if type_ == "column":
        return not (parent_names.get("table_name") == "search_document"
                    and name == SEARCH_INDEX_COLUMN)
    if type_ == "index":
        return name != SEARCH_INDEX_GIN
    return True


class SearchDocument(db.Model):
    __tablename__ = "search_document"
    __table_args__ = (sa.UniqueConstraint("kind", "ref_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    # What the text belongs to: ("incident", incident id), ("update", update
    # id)… so an edit or a deletion finds its document.
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    ref_id: so.Mapped[int]
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class IncidentFacet(db.Model):
    __tablename__ = "incident_facet"
    __table_args__ = (
        # Visibility rides along: counting what a viewer may see reads this
        # index alone.
        sa.Index("ix_incident_facet_list", "facet", "value", "started_at",
                 "incident_id", "is_public", "commander_id"),
    )

    # ("component", component id) or ("tag", tag).
    facet: so.Mapped[str] = so.mapped_column(sa.String(16), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    is_public: so.Mapped[bool]
    commander_id: so.Mapped[int | None]
