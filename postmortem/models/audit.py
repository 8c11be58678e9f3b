"""Who changed what, when."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(48))
    entity_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    entity_id: so.Mapped[int | None]
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    user: so.Mapped[User | None] = so.relationship(lazy="joined")
