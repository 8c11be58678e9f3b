"""Error pages for people, JSON errors for the API."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from postmortem.domain.errors import DomainError
from postmortem.web import security


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_json():
            return json_error(exc.http_status, exc.code, exc.message, exc.fields)
        return render_template("errors/error.html", status=exc.http_status,
                               message=exc.message), exc.http_status

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = "The form's security token was missing or stale. Go back, reload "
        message += "the page and submit again."
        if wants_json():
            return json_error(400, "csrf", exc.description)
        if expired := security.form_expired(exc.description):
            return expired
        return render_template("errors/error.html", status=400, message=message), 400

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
        app.logger.exception("Unhandled error")
        from postmortem.extensions import db

        db.session.rollback()
        if wants_json():
            return json_error(500, "internal", "Internal error; it has been logged.")
        return render_template("errors/error.html", status=500,
                               message=InternalServerError.description), 500
