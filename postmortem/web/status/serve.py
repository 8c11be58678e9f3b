"""Serve a public response from the render cache, with HTTP validators.

Shared by the status page, its feeds and banner, and the v2 JSON: each view
names a cache key and a renderer; only a miss renders.
"""

from collections.abc import Callable
from datetime import datetime

from flask import Response, current_app, request

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
    return since is not None and stored.last_modified <= since


def respond(stored: cache.Stored, cors: bool = False) -> Response:
    if _not_modified(stored):
        response = Response(status=304)
    else:
        response = Response(stored.body, content_type=stored.content_type)
    response.set_etag(stored.etag)
    response.last_modified = stored.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config.get("STATUS_MAX_AGE", 10)
    if cors:
        response.headers.update(CORS_HEADERS)
    return response


def serve(name: str, content_type: str,
          render: Callable[[Page, Overview], bytes], cors: bool = False) -> Response:
    """The cached response `name`, rendered by `render(page, overview)` on a
    miss."""
    now = utcnow()

    def fresh() -> cache.Rendered:
        body = render(page(now), overview.build(now))
        return cache.Rendered(body, content_type, overview.valid_until(now))

    stored = cache.fetch(db.session, cache.cache_key(name, base_url()), fresh, now)
    return respond(stored, cors)
