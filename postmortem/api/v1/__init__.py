"""JSON API v1: Bearer tokens, or the web session (with its CSRF token)."""

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, current_app, g, json, request
from flask_login import current_user

from postmortem.api.errors import json_error
from postmortem.domain import accounts, idempotency
from postmortem.domain.errors import DomainError, Forbidden, ValidationError
from postmortem.domain.values import Fields
from postmortem.extensions import csrf, db
from postmortem.models import User

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
# Token clients cannot hold a CSRF token; session writes are checked below.
csrf.exempt(bp)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OPEN_ENDPOINTS = {"api_v1.openapi"}
MAX_PER_PAGE = 100


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class BadBody(DomainError):
    """A body that is not JSON of the expected shape: the request is malformed,
    so 400, where a well-formed body with bad values is a 422."""

    code = "bad_request"
    http_status = 400


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
        if db.session.dirty:
            db.session.commit()  # the token's last_used_at, even on a GET
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


def json_body(fields: Iterable[str] | None = None,
              read_only: Iterable[str] = (), allow_list: bool = False) -> Any:
    """The parsed JSON object (or, with `allow_list`, list of objects).

    A body that is not JSON, or not of that shape, is a 400; values no
    database can store are a 422 naming the field. With `fields`, an object
    (or each object of a list) may hold only those names; `read_only` names,
    as GET returns them, are accepted and ignored so a client can send back
    what it read.
    """
    if not request.is_json:
        raise BadBody("Request body must be JSON (Content-Type: application/json)",
                      {"body": "must be JSON"})
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None
    if data is None:
        raise BadBody("Malformed JSON body", {"body": "is not valid JSON"})
    shapes = (dict, list) if allow_list else (dict,)
    if not isinstance(data, shapes):
        expected = "an object or a list of objects" if allow_list else "an object"
        raise BadBody(f"The JSON body must be {expected}",
                      {"body": f"must be {expected}"})
    _refuse_unstorable_text(data)
    if fields is not None:
        _refuse_unknown(data, set(fields) | set(read_only))
    return data


def _refuse_unstorable_text(data: Any) -> None:
    """NUL and lone surrogates are valid JSON but no database stores them."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack += [(f"{path}.{k}".lstrip("."), v) for k, v in value.items()]
            stack += [(path, k) for k in value]
        elif isinstance(value, list):
            stack += [(f"{path}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, str) and not _storable(value):
            raise ValidationError({path or "body": "must be text without NUL "
                                                   "characters or lone surrogates"})


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_unknown(data: Any, known: set[str]) -> None:
    items = data if isinstance(data, list) else [data]
    errors = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        prefix = f"[{index}]." if isinstance(data, list) else ""
        errors.update({prefix + name: "is not a known field"
                       for name in item if name not in known})
    if errors:
        raise ValidationError(errors)


def per_page(args: Any, errors: dict[str, str]) -> int:
    """`per_page` from a query string (1 to 100); a bad one goes to `errors`."""
    fields = Fields({"per_page": args["per_page"]} if args.get("per_page") else {})
    fields.number("per_page", minimum=1, maximum=MAX_PER_PAGE, integer=True,
                  default=current_app.config["PAGE_SIZE"])
    errors |= fields.errors
    return fields.values.get("per_page", 1)


def created(body: Any, location: str | None = None):
    """Commit, and answer 201 (with a Location when the new thing has its own
    URL). The answer is built, and kept for its Idempotency-Key, before the
    commit, so the commit is the last thing that can fail: a 500 never hides
    a saved write, and a retry with the key gets this answer."""
    return commit_and_answer(body, 201, location)


def commit_and_answer(body: Any, status: int = 200, location: str | None = None):
    text = json.dumps(body)
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        idempotency.remember(claim, status, text, location)
    db.session.commit()
    response = Response(text, status, mimetype="application/json")
    if location:
        response.headers["Location"] = location
    return response


# --- Idempotency-Key on every POST (see domain/idempotency.py) ---
@bp.before_request
def replay_idempotent_post():
    """A POST repeating an Idempotency-Key gets the first answer, unwritten."""
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or key is None or "api_user" not in g:
        return None
    found = idempotency.claim(g.api_user.id, key, idempotency.fingerprint(
        request.method, request.full_path, request.get_data()))
    if isinstance(found, idempotency.Answer):
        response = Response(found.body, found.status_code,
                            mimetype="application/json")
        if found.location:
            response.headers["Location"] = found.location
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency_claim = found
    return None


@bp.after_request
def remember_idempotent_answer(response):
    """For a view that committed on its own: keep its answer for the key."""
    claim = g.pop("idempotency_claim", None)
    if claim is not None and 200 <= response.status_code < 300:
        idempotency.remember(claim, response.status_code,
                             response.get_data(as_text=True),
                             response.headers.get("Location"))
        db.session.commit()
    return response


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    """A refused request leaves nothing half-written behind."""
    db.session.rollback()
    return json_error(exc.http_status, exc.code, exc.message, exc.fields)


def blueprint() -> Blueprint:
    """`bp` with every resource's views on it; the app factory registers it."""
    from postmortem.api.v1 import (  # noqa: F401  (importing registers the views)
        actions,
        components,
        events,
        incidents,
        members,
        openapi,
        postmortem,
        samples,
        updates,
    )

    return bp
