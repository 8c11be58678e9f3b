"""Error pages for people, JSON errors for the API."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from postmortem.api.errors import json_error
from postmortem.domain.errors import DomainError
from postmortem.web import security


def wants_json() -> bool:
    return request.path.startswith("/api/")


# Seconds a client should wait before trying again while the database is away.
RETRY_AFTER = 5
UNAVAILABLE = ("The database is unreachable for the moment; nothing was saved by "
               "this request. Try again in a few seconds.")


def database_unavailable(exc: Exception) -> bool:
    """Whether `exc` says the database cannot be reached (or the connection was
    lost), as opposed to a query that is wrong."""
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or isinstance(
            exc, (sa_exc.OperationalError, sa_exc.InterfaceError))
    return False


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_json():
            return json_error(exc.http_status, exc.code, exc.message, exc.fields)
        return render_template("errors/error.html", status=exc.http_status,
                               message=exc.message), exc.http_status

    app.register_error_handler(CSRFError, _csrf_error)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        # Keep what the exception says beyond its page: Allow on a 405,
        # Retry-After on a 429 or 503, WWW-Authenticate on a 401.
        headers = [(name, value) for name, value in exc.get_headers()
                   if name.lower() != "content-type"]
        if wants_json():
            response, _ = json_error(status, (exc.name or "error").lower()
                                     .replace(" ", "_"), exc.description or exc.name)
            return response, status, headers
        return render_template("errors/error.html", status=status,
                               message=exc.description), status, headers

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from postmortem.extensions import db

        if database_unavailable(exc):
            return _unavailable(exc)
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if wants_json():
            return json_error(500, "internal", "Internal error; it has been logged.")
        return render_template("errors/error.html", status=500,
                               message=InternalServerError.description), 500


def _csrf_error(exc: CSRFError):
    message = "The form's security token was missing or stale. Go back, reload "
    message += "the page and submit again."
    if wants_json():
        return json_error(400, "csrf", exc.description)
    if expired := security.form_expired(exc.description):
        return expired
    return render_template("errors/error.html", status=400, message=message), 400


def _unavailable(exc: Exception):
    """503 with Retry-After: an outage of the database, logged in one line
    rather than a stack trace per request. The pool pings connections before
    use, so requests succeed again as soon as the database is back."""
    from flask import current_app

    from postmortem.extensions import db

    current_app.logger.warning("Database unavailable (%s): %s", type(exc).__name__,
                               str(getattr(exc, "orig", exc)).splitlines()[0:1])
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:  # the connection is gone; drop it
        db.session.invalidate()
    headers = {"Retry-After": str(RETRY_AFTER)}
    if wants_json():
        response, status = json_error(503, "unavailable", UNAVAILABLE)
        return response, status, headers
    # Not the usual error page: its layout asks the database who is signed in.
    return UNAVAILABLE_PAGE, 503, headers


UNAVAILABLE_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable</title></head>
<body><main><h1>Temporarily unavailable</h1><p>{UNAVAILABLE}</p>
<p><a href="">Try again</a></p></main></body></html>
"""
