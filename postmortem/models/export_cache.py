"""Rendered exports kept in the database, so an unchanged document is served
again without rendering (a PDF takes seconds; a lookup, milliseconds)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow


class ExportCache(db.Model):
    """The last export of one post-mortem in one format.

    `fingerprint` is the SHA-256 of everything the document says (sections,
    generated blocks' data, incident record, state); the post-mortem and
    incident versions are kept beside it for people reading the table. One
    row per (post-mortem, format): a changed document replaces its row.
    """

    __tablename__ = "export_cache"
    __table_args__ = (sa.UniqueConstraint("postmortem_id", "fmt"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    postmortem_id: so.Mapped[int]
    fmt: so.Mapped[str] = so.mapped_column(sa.String(16))
    postmortem_version: so.Mapped[int]
    incident_version: so.Mapped[int]
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
