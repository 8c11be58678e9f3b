"""Serve a public response from the render cache, with HTTP validators.

Shared by the status page, its feeds and banner, and the v2 JSON: each view
names a cache key and a renderer; only a miss renders.
"""

import dataclasses
import functools
import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from email.utils import formatdate

from flask import Response, current_app, request

from postmortem import ROOT
from postmortem.domain.status import cache, overview, state
from postmortem.domain.status.overview import Overview
from postmortem.domain.status.statuspage import Page
from postmortem.extensions import db
from postmortem.models.types import utcnow

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


@functools.cache
def render_revision() -> str:
    """A digest of the code and templates that render the public page, part
    of every cache key: a deploy that changes them must not serve renders
    made by the old code until the next public change."""
    digest = hashlib.sha256()
    roots = [ROOT / "templates" / "status", ROOT / "postmortem" / "domain" / "status",
             ROOT / "postmortem" / "web" / "status",
             ROOT / "postmortem" / "static" / "status"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".js", ".css"}:
                digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def base_url() -> str:
    """Where the public reaches the app: STATUS_PAGE_URL, else this request's
    host (each host then gets its own renders, so a forged Host header can
    never end up in what others are served)."""
    configured = current_app.config.get("STATUS_PAGE_URL")
    return (configured or request.host_url).rstrip("/")


def page(now: datetime) -> Page:
    _version, changed_at = state.current(db.session)
    config = current_app.config
    return Page(config.get("STATUS_PAGE_ID") or "postmortem",
                config.get("STATUS_PAGE_NAME") or "Status", base_url(),
                changed_at or now)


def _not_modified(stored: cache.Stored) -> bool:
    # Werkzeug parses these leniently: a malformed header is simply no match.
    if request.if_none_match:
        return request.if_none_match.contains_weak(stored.etag)
    since = request.if_modified_since
    return since is not None and stored.last_modified <= since.timestamp()


def respond(stored: cache.Stored, content: bytes | None, cors: bool = False
            ) -> Response:
    if content is None:
        response = Response(status=304)
    else:
        response = Response(content, content_type=stored.content_type)
    headers = response.headers
    headers["ETag"] = f'"{stored.etag}"'
    headers["Last-Modified"] = formatdate(stored.last_modified, usegmt=True)
    headers["Cache-Control"] = (
        f"public, max-age={current_app.config.get('STATUS_MAX_AGE', 10)}")
    if cors:
        headers.update(CORS_HEADERS)
    return response


class _Recent:
    """Which render was current when this process last asked the database.

    Asking at most every STATUS_RECHECK_SECONDS (default 1 s; 0 when
    testing) spares the database a query per request in a spike; the
    database still decides, so every worker and host converges within that
    second, well inside the Cache-Control max-age any HTTP cache may add."""

    MAX = 1024

    def __init__(self):
        self.items: dict[str, tuple[float, cache.Stored]] = {}

    def get(self, key: str, within: float) -> cache.Stored | None:
        found = self.items.get(key)
        if found is None or within <= 0 or time.monotonic() - found[0] > within:
            return None
        return found[1]

    def put(self, key: str, stored: cache.Stored) -> None:
        if len(self.items) >= self.MAX:
            self.items.clear()
        self.items[key] = (time.monotonic(), dataclasses.replace(stored, body=None))

    def forget(self, key: str) -> None:
        self.items.pop(key, None)


recent = _Recent()


def _recheck_seconds() -> float:
    default = 0.0 if current_app.testing else 1.0
    return float(current_app.config.get("STATUS_RECHECK_SECONDS", default))


def serve(name: str, content_type: str,
          render: Callable[[Page, Overview], bytes], cors: bool = False) -> Response:
    """The cached response `name`, rendered by `render(page, overview)` on a
    miss."""
    now = utcnow()

    def fresh() -> cache.Rendered:
        body = render(page(now), overview.build(now))
        return cache.Rendered(body, content_type, overview.valid_until(now))

    key = cache.cache_key(name, render_revision(), base_url())
    # A hit never opens an ORM session: one pooled connection, one query.
    stored = (recent.get(key, _recheck_seconds()) or cache.peek(db.engine, key, now)
              or cache.fetch(db.session, key, fresh, now))
    if _not_modified(stored):
        recent.put(key, stored)
        return respond(stored, None, cors)
    try:
        content = cache.body(db.engine, stored)
    except LookupError:  # replaced since this process last looked
        recent.forget(key)
        stored = cache.peek(db.engine, key, now) or cache.fetch(
            db.session, key, fresh, now)
        content = cache.body(db.engine, stored)
    recent.put(key, stored)
    return respond(stored, content, cors)
