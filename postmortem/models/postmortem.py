"""The post-mortem document of an incident, the templates it is written from,
its revisions, reviews and workflow moves."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.incident import Incident
from postmortem.models.types import UTCDateTime, utcnow
from postmortem.models.user import User

POSTMORTEM_STATES = ("draft", "in_review", "approved", "published")
REVIEW_DECISIONS = ("approve", "changes_requested")


class PostmortemTemplate(db.Model):
    """A named list of sections with writing guidance; admins edit them."""

    __tablename__ = "postmortem_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The template a new post-mortem starts from when none is named.
    is_default: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    version: so.Mapped[int] = so.mapped_column(default=1)

    sections: so.Mapped[list["TemplateSection"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="TemplateSection.position",
    )

    __mapper_args__ = {"version_id_col": version}


class TemplateSection(db.Model):
    """One section of a template: what the author sees while writing
    (`guidance`) and what a new document's section starts with (`body`,
    typically the generated-block markers)."""

    __tablename__ = "template_section"
    __table_args__ = (sa.UniqueConstraint("template_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    template_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem_template.id", ondelete="CASCADE")
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    guidance: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class Postmortem(db.Model):
    __tablename__ = "postmortem"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("incident.id", ondelete="CASCADE"), unique=True
    )
    template_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("postmortem_template.id", ondelete="SET NULL")
    )
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft",
                                             index=True)
    # Only a published post-mortem may be public (the status page links it).
    is_public: so.Mapped[bool] = so.mapped_column(default=False)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    approved_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Taken on approval: the generated blocks (HTML and their data) and the
    # incident facts as they were, so the approved document renders the same
    # whatever happens to the incident later. None while a draft.
    snapshot: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # The approved PDF, kept byte for byte, and its SHA-256 (hex).
    approved_pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    pdf_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    version: so.Mapped[int] = so.mapped_column(default=1)

    incident: so.Mapped[Incident] = so.relationship(lazy="joined")
    template: so.Mapped[PostmortemTemplate | None] = so.relationship()
    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])
    approved_by: so.Mapped[User | None] = so.relationship(
        foreign_keys=[approved_by_id])
    sections: so.Mapped[list["PostmortemSection"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="PostmortemSection.position",
    )
    reviewers: so.Mapped[list["PostmortemReviewer"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="PostmortemReviewer.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_frozen(self) -> bool:
        return self.state in ("approved", "published")

    def section(self, key: str) -> "PostmortemSection | None":
        return next((s for s in self.sections if s.key == key), None)

    def __repr__(self) -> str:
        return f"<Postmortem {self.id} incident={self.incident_id} {self.state}>"


class PostmortemSection(db.Model):
    """A Markdown body for one section of the document."""

    __tablename__ = "postmortem_section"
    __table_args__ = (sa.UniqueConstraint("postmortem_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    postmortem_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem.id", ondelete="CASCADE")
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    # Copied from the template when started, so editing a template later does
    # not change the guidance of documents already written from it.
    guidance: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class PostmortemRevision(db.Model):
    """The full content after one save: [{key, title, body}, ...]."""

    __tablename__ = "postmortem_revision"
    __table_args__ = (sa.UniqueConstraint("postmortem_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    postmortem_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem.id", ondelete="CASCADE")
    )
    number: so.Mapped[int]
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # start, save, draft (from incident), import
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="save")
    content: so.Mapped[list[dict[str, str]]] = so.mapped_column(sa.JSON)

    author: so.Mapped[User | None] = so.relationship(lazy="joined")


class PostmortemReviewer(db.Model):
    """Someone whose review was requested."""

    __tablename__ = "postmortem_reviewer"
    __table_args__ = (sa.UniqueConstraint("postmortem_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    postmortem_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem.id", ondelete="CASCADE")
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship(lazy="joined", foreign_keys=[user_id])


class PostmortemReview(db.Model):
    """A reviewer's decision: approve, or changes requested, with a comment."""

    __tablename__ = "postmortem_review"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    postmortem_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    decision: so.Mapped[str] = so.mapped_column(sa.String(20))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    reviewer: so.Mapped[User | None] = so.relationship(lazy="joined")


class PostmortemTransition(db.Model):
    """One move through the workflow, who made it and why."""

    __tablename__ = "postmortem_transition"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    postmortem_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("postmortem.id", ondelete="CASCADE"), index=True
    )
    from_state: so.Mapped[str] = so.mapped_column(sa.String(16))
    to_state: so.Mapped[str] = so.mapped_column(sa.String(16))
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    actor: so.Mapped[User | None] = so.relationship(lazy="joined")
