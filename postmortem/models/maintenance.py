"""Scheduled maintenance windows on components, and their public updates."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.component import Component
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User

MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")


class Maintenance(db.Model):
    """A window during which components are worked on: shown ahead of time,
    `under_maintenance` while active, and maintenance (not downtime) in the
    uptime history."""

    __tablename__ = "maintenance"
    __table_args__ = (
        sa.Index("ix_maintenance_status_scheduled_for", "status", "scheduled_for"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="scheduled")
    scheduled_for: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    scheduled_until: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # When work really began and ended, set by the updates that move it.
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    completed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    version: so.Mapped[int] = so.mapped_column(default=1)

    components: so.Mapped[list[Component]] = so.relationship(
        secondary="maintenance_component", lazy="selectin",
        order_by="Component.position, Component.name",
    )
    updates: so.Mapped[list["MaintenanceUpdate"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="(MaintenanceUpdate.posted_at.desc(), MaintenanceUpdate.id.desc())",
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Maintenance {self.id} {self.title!r}>"


class MaintenanceComponent(db.Model):
    __tablename__ = "maintenance_component"

    maintenance_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("maintenance.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("component.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )


class MaintenanceUpdate(db.Model):
    """A public note on a maintenance: scheduled, started, verifying, done."""

    __tablename__ = "maintenance_update"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    maintenance_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("maintenance.id", ondelete="CASCADE"), index=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    message: so.Mapped[str] = so.mapped_column(sa.Text)
    message_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    posted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    author: so.Mapped[User | None] = so.relationship(lazy="joined")
