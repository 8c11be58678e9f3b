"""JSON API v1: Bearer tokens, or the web session (with its CSRF token)."""

from typing import Any

from flask import Blueprint, g, request
from flask_login import current_user

from postmortem.domain import accounts
from postmortem.domain.errors import DomainError, Forbidden, ValidationError
from postmortem.extensions import csrf
from postmortem.models import User
from postmortem.web.errors import json_error

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
# Token clients cannot hold a CSRF token; session writes are checked below.
csrf.exempt(bp)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OPEN_ENDPOINTS = {"api_v1.openapi"}


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


@bp.before_request
def authenticate():
    """Find who is calling: a Bearer token first, else the signed-in session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = accounts.user_for_token(token.strip()) if scheme.lower() == "bearer" \
            else None
        if user is None:
            return _unauthorized("Invalid or revoked API token")
        g.api_user = user
        return None
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.api_user = current_user._get_current_object()
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    return _unauthorized("Authentication required: send Authorization: Bearer <token>")


def _unauthorized(message: str):
    response, status = json_error(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="postmortem"'
    return response, status


def api_user(role: str = "viewer") -> User:
    """The caller, if their role is at least `role`; else 403."""
    user: User = g.api_user
    if not user.has_role(role):
        raise Forbidden(f"This needs the {role} role; you are {user.role}")
    return user


def json_body() -> Any:
    """The parsed JSON body, or a 400 naming the problem."""
    if not request.is_json:
        raise ValidationError({"body": "must be JSON (Content-Type: application/json)"},
                              "Request body must be JSON")
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError({"body": "is not valid JSON"}, "Malformed JSON body")
    return data


from postmortem.api.v1 import routes  # noqa: E402,F401  (routes register on bp)
