"""Users, roles, passwords and API tokens."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from postmortem.domain import audit, sessions
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.values import Fields
from postmortem.domain.vocabulary import ROLES
from postmortem.extensions import db
from postmortem.models import ApiToken, User
from postmortem.models.types import utcnow

MIN_PASSWORD = 8
# werkzeug's strong default; the test suite lowers it (hashing is not what it
# tests, and each hash costs a tenth of a second).
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a method name)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


TOKEN_PREFIX = "pm_"  # noqa: S105  (a marker, not a secret)
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


def has_users() -> bool:
    return db.session.scalar(sa.select(sa.exists().select_from(User))) or False


def _clean_user(data: dict, partial: bool = False) -> dict:
    fields = Fields(data, partial=partial)
    fields.text("email", 254, required=True)
    fields.text("name", 120)
    fields.choice("role", ROLES, default="viewer")
    fields.text("password", 200, required=not partial)
    values = fields.result()
    errors = {}
    if "email" in values:
        values["email"] = values["email"].lower()
        if "@" not in values["email"] or values["email"].startswith("@"):
            errors["email"] = "must be an email address"
    if values.get("password") and len(values["password"]) < MIN_PASSWORD:
        errors["password"] = f"must be at least {MIN_PASSWORD} characters"
    if errors:
        raise ValidationError(errors)
    return values


def create_user(data: dict, actor: User | None = None) -> User:
    values = _clean_user(data)
    if user_by_email(values["email"]):
        raise ValidationError({"email": "is already registered"})
    user = User(
        email=values["email"],
        name=values.get("name") or "",
        role=values["role"],
        password_hash=hash_password(values["password"]),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, {"email": user.email, "role": user.role})
    return user


def update_user(user: User, data: dict, actor: User) -> User:
    """An admin's edit of a user; a new password or a deactivation signs the
    user out everywhere."""
    values = _clean_user(data, partial=True)
    # Refuse before changing anything, so a refused edit leaves the user as is.
    _refuse_update(user, values, data, actor)
    changes = audit.diff(user, {k: v for k, v in values.items() if k != "password"})
    for name in ("email", "name", "role"):
        if name in values:
            setattr(user, name, values[name])
    if values.get("password"):
        changes |= _set_password(user, values["password"])
    if "active" in data:
        changes |= _set_active(user, bool(data["active"]))
    audit.record(actor, "user.update", user, changes)
    return user


def _refuse_update(user: User, values: dict, data: dict, actor: User) -> None:
    if values.get("email", user.email) != user.email and user_by_email(values["email"]):
        raise ValidationError({"email": "is already registered"})
    if user.id != actor.id:
        return
    if values.get("role", "admin") != "admin":
        raise ValidationError({"role": "you cannot remove your own admin role"})
    if "active" in data and not data["active"]:
        raise ValidationError({"active": "you cannot deactivate yourself"})


def _set_password(user: User, password: str) -> dict:
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    return {"password": ["…", "changed"]}


def _set_active(user: User, active: bool) -> dict:
    if active == user.active:
        return {}
    user.active = active
    if not active:
        sessions.end_all(user)
    return {"active": [not active, active]}


def change_password(user: User, current: str, new: str) -> User:
    """A user's own password change: it needs the current password, and
    signs every session out (the caller starts a fresh one for this browser)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError({"current_password": "is not your current password"})
    if len(new or "") < MIN_PASSWORD:
        raise ValidationError({"new_password":
                               f"must be at least {MIN_PASSWORD} characters"})
    if len(new) > 200:
        raise ValidationError({"new_password": "must be at most 200 characters"})
    changes = _set_password(user, new)
    audit.record(user, "user.password", user, changes)
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.lower()))


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Every path checks one password hash, so the time taken does not tell an
    unknown or deactivated account from a wrong password.
    """
    email = email or ""
    # PostgreSQL refuses NUL in text; no stored email holds one.
    user = user_by_email(email) if "\x00" not in email else None
    usable = user is not None and user.active
    stored = user.password_hash if usable else _dummy_hash()
    matches = check_password_hash(stored, password or "")
    return user if usable and matches else None


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password, made with the current method (once per
    method), to check against when there is no usable account."""
    method = PASSWORD_HASH_METHOD
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_urlsafe(16))
    return _dummy_hashes[method]


def _hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, actor: User | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once, never stored."""
    name = (name or "").strip() or "API token"
    if len(name) > 80:
        raise ValidationError({"name": "must be at most 80 characters"})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_hash_token(plain),
                     prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    audit.record(actor or user, "token.create", token, {"name": name,
                                                       "user": user.email})
    return token, plain


def user_for_token(plain: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(plain))
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # At most one write a minute per token: enough to spot stale tokens.
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_EVERY:
        token.last_used_at = now
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        user.tokens.select().order_by(ApiToken.created_at.desc())
    ))


def all_tokens() -> list[ApiToken]:
    """Every user's tokens, newest first (what an admin reviews)."""
    return list(db.session.scalars(
        sa.select(ApiToken).options(so.joinedload(ApiToken.user))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(token_id: int, actor: User) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not actor.has_role("admin")):
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "token.revoke", token, {"name": token.name})
    return token
