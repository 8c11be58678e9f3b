"""The incident page's body, rendered once per change and shared.

An outage's incident page is read by many people and reloaded often, but
changes only when someone writes to it. Its body is kept in the shared cache
(`domain.cache`: the database, or Redis) under the incident's and the
catalog's change counters (`domain.page_state`), the reader's role (what
they may do), the day (overdue action items) and, while the incident is
unresolved, the minute (its running duration). Everything a reader's copy
must not share (the CSRF token, each form's one-time submission token) is
rendered as a placeholder and filled in per request.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from postmortem.domain import cache, incident_page, page_state
from postmortem.extensions import db
from postmortem.models import Incident
from postmortem.models.types import utcnow
from postmortem.web.incidents.fields import fresh_token

ROOT = Path(__file__).resolve().parents[3]
# Libraries whose output is in the page (form widgets, escaping, sanitising).
LIBRARIES = ("flask", "jinja2", "markupsafe", "wtforms", "flask-wtf", "nh3")


def _code_digest() -> str:
    """The templates, code and libraries that draw the page: a deploy that
    changes them must not serve renders kept by the one before."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "templates").rglob("*.html"),
                        *(ROOT / "postmortem").rglob("*.py")]):
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()[:16]


CODE = _code_digest()


def _install() -> str:
    """Tells one install's renders from another's in a shared Redis, and
    retires every render when the secret key changes."""
    secret = str(current_app.secret_key or "").encode()
    return hmac.new(secret, b"incident-page", "sha256").hexdigest()[:16]


def _moment(incident: Incident) -> str:
    now = utcnow()
    if incident.is_resolved:
        return now.strftime("%Y-%m-%d")  # overdue action items move daily
    # The running duration moves each minute from the start; a new sample's
    # default time each minute of the clock.
    return f"{now:%Y-%m-%d %H:%M} {incident_page.elapsed(incident, now) // 60}"


def _render_shared(render: Callable[[], str]) -> str:
    """`render()` with placeholders for the per-reader tokens, chosen afresh
    for each render and kept in its first line: text written before the
    render cannot hold them, and text written after moves the counter."""
    csrf, submission = (f"pm-{kind}-{secrets.token_hex(16)}"
                        for kind in ("csrf", "submission"))
    # Read what the page shows after the counters, never before: a write
    # between the two would otherwise be kept under the newer counter.
    db.session.expire_all()
    before = g.pop("csrf_token", None)
    g.csrf_token, g.submission_placeholder = csrf, submission
    try:
        return f"{csrf} {submission}\n{render()}"
    finally:
        g.pop("submission_placeholder", None)
        g.pop("csrf_token", None)
        if before is not None:
            g.csrf_token = before


def _personal(kept: str) -> str:
    marks, html = kept.split("\n", 1)
    csrf, submission = marks.split(" ")
    html = html.replace(csrf, generate_csrf())
    parts = html.split(submission)
    out = [parts[0]]
    for part in parts[1:]:
        out += [fresh_token(), part]
    return "".join(out)


def body(incident: Incident, render: Callable[[], str]) -> Markup:
    """The page body for this reader: the kept render when nothing it shows
    has changed since, else `render()`'s, kept for the next reader."""
    wanted = cache.fingerprint(CODE, _install(), page_state.marks(incident),
                               current_user.role, request.script_root,
                               _moment(incident))
    kept = cache.fetch(f"incident-page:{incident.id}:{current_user.role}", wanted,
                       lambda: _render_shared(render))
    return Markup(_personal(kept))  # noqa: S704 (our own template's output)
