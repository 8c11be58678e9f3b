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
import re
from collections.abc import Callable
from pathlib import Path

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from postmortem.domain import cache, page_state
from postmortem.models import Incident
from postmortem.models.types import utcnow
from postmortem.web.incidents.fields import fresh_token

ROOT = Path(__file__).resolve().parents[3]


def _code_digest() -> str:
    """The templates and the code that draw the page: a deploy that changes
    them must not serve renders kept by the one before."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "templates").rglob("*.html"),
                        *(ROOT / "postmortem").rglob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE = _code_digest()


def _placeholder(kind: str) -> str:
    # Derived from the secret key, so text that readers write cannot name
    # it and have someone else's token put in its place.
    secret = current_app.secret_key or ""
    mark = hmac.new(secret.encode(), f"page-{kind}".encode(), "sha256").hexdigest()
    return f"pm-{kind}-{mark[:32]}"


def _moment(incident: Incident) -> str:
    now = utcnow()
    # Minutes are the page's finest unit ("Ongoing for 2h 14m").
    return now.strftime("%Y-%m-%d") if incident.is_resolved else now.strftime(
        "%Y-%m-%d %H:%M")


def _render_shared(render: Callable[[], str]) -> str:
    csrf, submission = _placeholder("csrf"), _placeholder("submission")
    before = g.pop("csrf_token", None)
    g.csrf_token, g.submission_placeholder = csrf, submission
    try:
        return render()
    finally:
        g.pop("submission_placeholder", None)
        g.pop("csrf_token", None)
        if before is not None:
            g.csrf_token = before


def _personal(html: str) -> str:
    html = html.replace(_placeholder("csrf"), generate_csrf())
    return re.sub(re.escape(_placeholder("submission")),
                  lambda _m: fresh_token(), html)


def body(incident: Incident, render: Callable[[], str]) -> Markup:
    """The page body for this reader: the kept render when nothing it shows
    has changed since, else `render()`'s, kept for the next reader."""
    incident_generation, catalog_generation = page_state.generations(incident)
    wanted = cache.fingerprint(CODE, incident_generation, catalog_generation,
                               current_user.role, request.script_root,
                               _moment(incident))
    html = cache.fetch(f"incident-page:{incident.id}:{current_user.role}", wanted,
                       lambda: _render_shared(render))
    return Markup(_personal(html))  # noqa: S704 (our own template's output)
