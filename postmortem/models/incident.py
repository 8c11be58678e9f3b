"""The incident aggregate root, its impact scope and labels."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.component import Component
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User

if TYPE_CHECKING:
    from postmortem.models.action import ActionItem

MILESTONES = ("started_at", "detected_at", "acknowledged_at", "mitigated_at",
              "resolved_at")
LABEL_KINDS = ("region", "platform", "customer_tier", "tag")


class Incident(db.Model):
    __tablename__ = "incident"
    __table_args__ = (
        sa.Index("ix_incident_started_at_id", "started_at", "id"),
        # Each list filter walks its own index in list order (newest first);
        # is_public and commander_id ride along so that counting what a
        # viewer may see reads the index alone.
        sa.Index("ix_incident_list", "started_at", "id", "is_public", "commander_id"),
        sa.Index("ix_incident_status_list", "status", "started_at", "id",
                 "is_public", "commander_id"),
        sa.Index("ix_incident_severity_list", "severity", "started_at", "id",
                 "is_public", "commander_id"),
        sa.Index("ix_incident_public_list", "is_public", "started_at", "id",
                 "commander_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Rendered and sanitised once when written, not on every page view.
    summary_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    severity: so.Mapped[str] = so.mapped_column(sa.String(8), index=True)
    impact: so.Mapped[str] = so.mapped_column(sa.String(16))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), index=True)
    detection_source: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    is_public: so.Mapped[bool] = so.mapped_column(default=True)
    commander_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    detected_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    mitigated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    users_affected: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    percent_users_affected: so.Mapped[float | None]
    peak_user_reports: so.Mapped[int | None]

    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    # Bumped by SQLAlchemy on every UPDATE; a save naming an older version is
    # refused so two people editing never silently overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    commander: so.Mapped[User | None] = so.relationship(lazy="joined")
    affected: so.Mapped[list["AffectedComponent"]] = so.relationship(
        back_populates="incident", cascade="all, delete-orphan", lazy="selectin",
        order_by="AffectedComponent.id",
    )
    labels: so.Mapped[list["IncidentLabel"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IncidentLabel.id",
    )
    action_items: so.WriteOnlyMapped["ActionItem"] = so.relationship(
        back_populates="incident", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    members: so.Mapped[list["IncidentMember"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IncidentMember.id",
    )

    __mapper_args__ = {"version_id_col": version}

    def label_values(self, kind: str) -> list[str]:
        return [label.value for label in self.labels if label.kind == kind]

    @property
    def regions(self) -> list[str]:
        return self.label_values("region")

    @property
    def platforms(self) -> list[str]:
        return self.label_values("platform")

    @property
    def customer_tiers(self) -> list[str]:
        return self.label_values("customer_tier")

    @property
    def tags(self) -> list[str]:
        return self.label_values("tag")

    @property
    def is_resolved(self) -> bool:
        return self.status == "resolved"

    def __repr__(self) -> str:
        return f"<Incident {self.id} {self.title!r}>"


class AffectedComponent(db.Model):
    """A component hit by an incident, with its own status and window."""

    __tablename__ = "affected_component"
    __table_args__ = (sa.UniqueConstraint("incident_id", "component_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    component_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(24))
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    incident: so.Mapped[Incident] = so.relationship(back_populates="affected")
    component: so.Mapped[Component] = so.relationship(lazy="joined")


class IncidentLabel(db.Model):
    """Regions, platforms, customer tiers and tags: one row each, so that
    "every incident that hit eu-west" is an indexed query, not a LIKE."""

    __tablename__ = "incident_label"
    __table_args__ = (
        sa.UniqueConstraint("incident_id", "kind", "value"),
        sa.Index("ix_incident_label_kind_value", "kind", "value"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE")
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    value: so.Mapped[str] = so.mapped_column(sa.String(64))


class IncidentMember(db.Model):
    """Someone added to an incident: a private incident is visible to its
    members, its commander and admins, and to nobody else."""

    __tablename__ = "incident_member"
    __table_args__ = (sa.UniqueConstraint("incident_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE")
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship(lazy="joined")
