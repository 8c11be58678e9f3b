"""Action item pages (being written)."""

from flask import Blueprint

from postmortem.web.access import require_login

bp = Blueprint("actions", __name__)
require_login(bp)


@bp.get("/actions")
def index():
    """Open action items across incidents."""
    return "actions"
