"""What makes a repeated submission harmless: web form tokens, API
idempotency keys, and reusable status update texts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow


class FormSubmission(db.Model):
    """A web form submission that wrote something.

    The token is unique: a second submission of the same form (a double click,
    Back then resubmit) cannot claim it again, even on another worker, and is
    sent to `result_url` instead. `content_hash` recognises the same text
    posted again through a freshly loaded form.
    """

    __tablename__ = "form_submission"
    __table_args__ = (
        sa.Index("ix_form_submission_user_form", "user_id", "form", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"))
    # What was submitted where, e.g. "update:12".
    form: so.Mapped[str] = so.mapped_column(sa.String(64))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    result_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(db.Model):
    """An API POST made with an `Idempotency-Key`, and the answer it got.

    Stored in the database, in the same transaction as the write, so a
    repeat on any worker or host gets the first answer and writes nothing.
    """

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"))
    key: so.Mapped[str] = so.mapped_column(sa.String(255))
    # Method, path and body: the same key on another request is a mistake.
    request_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    status_code: so.Mapped[int | None]
    response_body: so.Mapped[str | None] = so.mapped_column(sa.Text)
    location: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, index=True)


class UpdateTemplate(db.Model):
    """A reusable status update text, kept by admins, for one status.

    `{components}` and `{next_update}` are filled in when it is used.
    """

    __tablename__ = "update_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    message: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
