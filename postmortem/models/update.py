"""Status updates: the public face of an incident."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.component import Component
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User


class StatusUpdate(db.Model):
    __tablename__ = "status_update"
    __table_args__ = (
        sa.Index("ix_status_update_incident_posted", "incident_id", "posted_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE")
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    message: so.Mapped[str] = so.mapped_column(sa.Text)
    # Rendered and sanitised once when written, not on every page view.
    message_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    posted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    # Set when someone corrects the update: a public status page must say so.
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Bumped on every UPDATE: an edit or delete naming an older one is refused.
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    author: so.Mapped[User | None] = so.relationship(lazy="joined")
    component_changes: so.Mapped[list["ComponentChange"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ComponentChange.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ComponentChange(db.Model):
    """A component status change carried by a status update."""

    __tablename__ = "component_change"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    status_update_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("status_update.id", ondelete="CASCADE"), index=True
    )
    component_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("component.id", ondelete="CASCADE")
    )
    old_status: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    new_status: so.Mapped[str] = so.mapped_column(sa.String(24))

    component: so.Mapped[Component] = so.relationship(lazy="joined")
