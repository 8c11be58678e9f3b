"""Component pages (being written)."""

from flask import Blueprint

from postmortem.web.access import require_login

bp = Blueprint("components", __name__)
require_login(bp)
