"""Statuspage-compatible public JSON under /api/v2: no auth, CORS for browsers
on other sites, rendered once per public change."""

from functools import partial

from flask import Blueprint, Response, abort

from postmortem.domain.status import statuspage
from postmortem.web.status.serve import CORS_HEADERS, serve

bp = Blueprint("api_v2", __name__, url_prefix="/api/v2")


@bp.get("/<path:name>.json")
def document(name: str) -> Response:
    """One of Statuspage's documents: summary, status, components, incidents,
    incidents/unresolved, scheduled-maintenances(/upcoming, /active)."""
    if name not in statuspage.DOCUMENTS:
        abort(404)
    return serve(f"v2:{name}", "application/json",
                 partial(statuspage.render, name), cors=True)


@bp.after_request
def allow_other_sites(response: Response) -> Response:
    # Preflights (OPTIONS, answered by Flask) need the CORS headers too.
    response.headers.update(CORS_HEADERS)
    return response
