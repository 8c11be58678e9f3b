"""Internal timeline events and impact samples logged during an incident."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User


class TimelineEvent(db.Model):
    __tablename__ = "timeline_event"
    __table_args__ = (
        sa.Index("ix_timeline_event_incident_occurred", "incident_id", "occurred_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE")
    )
    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    text_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    key: so.Mapped[bool] = so.mapped_column(default=False)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[User | None] = so.relationship(lazy="joined")


class ImpactSample(db.Model):
    """One point of a per-incident time series (user reports, error rate…).

    (incident, metric, at) is unique: re-sending a point corrects it instead
    of drawing it twice.
    """

    __tablename__ = "impact_sample"
    __table_args__ = (sa.UniqueConstraint("incident_id", "metric", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE")
    )
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    metric: so.Mapped[str] = so.mapped_column(sa.String(32))
    value: so.Mapped[float]
