"""Incident pages (being written)."""

from flask import Blueprint

from postmortem.web.access import require_login

bp = Blueprint("incidents", __name__)
require_login(bp)


@bp.get("/")
@bp.get("/incidents")
def index():
    """Incidents, newest first."""
    return "incidents"
