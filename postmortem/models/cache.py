"""Rendered fragments shared by every worker and host (when Redis is not used)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow


class CacheEntry(db.Model):
    __tablename__ = "cache_entry"

    key: so.Mapped[str] = so.mapped_column(sa.String(200), primary_key=True)
    # What the value was built from; a different one is a miss.
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    value: so.Mapped[str] = so.mapped_column(sa.Text)
    stored_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
