"""Configuration read from the environment, with embedded-friendly defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: int) -> int:
    """A non-negative integer setting; a typo stops the app with its name
    rather than a bare traceback from int()."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY, or one generated once and kept in instance/.

    Keeping it on disk means sessions survive a restart of the embedded setup
    without asking a newcomer to invent a key.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def sqlalchemy_url(url: str) -> str:
    """A database URL as SQLAlchemy takes it: `postgres://` and
    `postgresql://` (Heroku-style, naming no driver, which SQLAlchemy reads as
    psycopg2) mean psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(instance_path: Path) -> str:
    url = sqlalchemy_url(os.environ.get("DATABASE_URL", ""))
    return url or f"sqlite:///{instance_path / 'postmortem.db'}"


def load(instance_path: Path) -> dict:
    """Build the config mapping for an app whose instance folder is given."""
    instance_path.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Browsers treat http://localhost as a secure context, so Secure
        # cookies still work for the embedded quickstart.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A form may stay open through a long incident shift; past this the
        # user is shown their text again with a fresh token (web/security.py).
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # "Keep me signed in" lasts as long as a session may (domain/sessions).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host;
        # 0 trusts none, so a client cannot pick the address it is throttled by.
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "PAGE_SIZE": 25,
        "STATUS_PAGE_NAME": os.environ.get("STATUS_PAGE_NAME", "Status"),
        # The public status page (issue 7): its public root URL (links in
        # feeds and JSON), its Statuspage page id, and HTTP cache lifetime.
        "STATUS_PAGE_URL": os.environ.get("STATUS_PAGE_URL", ""),
        "STATUS_PAGE_ID": os.environ.get("STATUS_PAGE_ID", "postmortem"),
        "STATUS_MAX_AGE": _whole_number("STATUS_MAX_AGE", 10),
    }
