"""People who use the tool and the API tokens they hold."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from postmortem.domain.vocabulary import ROLES
from postmortem.extensions import db
from postmortem.models.types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default="viewer")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    tokens: so.WriteOnlyMapped["ApiToken"] = so.relationship(back_populates="user")

    # The key of the signed-in session this object was loaded for (see
    # UserSession); Flask-Login stores it in the session and remember cookies
    # instead of the user id, so ending the session row ends the cookies.
    session_key = None  # str, once loaded for a session

    def get_id(self) -> str | None:
        return self.session_key

    # UserMixin compares users by get_id(), which here is a session key: two
    # different users with none loaded would be "equal". Compare rows instead.
    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, User) and self.id is not None
                                 and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((User, self.id)) if self.id is not None else id(self)

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, role: str) -> bool:
        """Roles are ordered: viewer < responder < admin."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(back_populates="tokens")


class UserSession(db.Model):
    """One signed-in browser. Its key (only a hash is kept) is what the
    session and remember cookies carry: deleting the row signs that browser
    out, wherever the cookies were copied to."""

    __tablename__ = "user_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(lazy="joined")


class LoginAttempt(db.Model):
    """A failed sign-in, counted per account and per client address.

    Kept in the database so every gunicorn worker and host sees the same
    count; `subject` is a hash, so the table holds no addresses or emails.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_subject_at", "subject", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(64))
    # Indexed alone too: expired rows are pruned by time, whatever the subject.
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow,
                                               index=True)
