"""Follow-up work that comes out of an incident."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from postmortem.models.incident import Incident


class ActionItem(db.Model):
    __tablename__ = "action_item"
    __table_args__ = (sa.Index("ix_action_item_status_due", "status", "due_date"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    owner: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    priority: so.Mapped[str] = so.mapped_column(sa.String(4))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open")
    due_date: so.Mapped[date | None]
    tracker_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    completed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    version: so.Mapped[int] = so.mapped_column(default=1)

    incident: so.Mapped["Incident"] = so.relationship(back_populates="action_items")

    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return (
            self.status in ("open", "in_progress")
            and self.due_date is not None
            and self.due_date < today
        )
