"""Refuse NUL characters in any request's query string or form fields.

PostgreSQL cannot store or even compare text holding U+0000, so a NUL that
reaches a query is a 500 there while SQLite accepts it: one check, before any
view runs, gives the same clear answer on both databases: a 400 error page, or
under /api the JSON error naming the field (422, as for any bad field). JSON
bodies are checked field by field by the API's `json_body`, and `Fields`
checks every value it parses (CLI, imports); a path holding one names nothing
that exists (404).
"""

from flask import Flask, request

from postmortem.domain.errors import ValidationError

NUL = "\x00"


class UnstorableInput(ValidationError):
    """Input no database can store: refused as a bad request, not bad values."""

    http_status = 400


def _printable(name: str) -> str:
    return name.replace(NUL, "\\0") or "(unnamed)"


def nul_fields() -> dict[str, str]:
    """Which parts of the current request hold a NUL, by name."""
    bad = {}
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if NUL in name or NUL in value:
                bad[_printable(name)] = "must not contain NUL characters"
    for name, upload in request.files.items(multi=True):
        if NUL in name or NUL in (upload.filename or ""):
            bad[_printable(name)] = "must not contain NUL characters"
    return bad


# Public read-only pages read no query string, so an odd one is ignored there
# (and they stay one cached render whatever a visitor appends).
READ_ONLY_PUBLIC = ("/status", "/api/v2/")


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul():
        if request.method in ("GET", "HEAD") and request.path.startswith(
                READ_ONLY_PUBLIC):
            return
        bad = nul_fields()
        if not bad:
            return
        message = "The request holds a NUL character (\\0), which cannot be stored"
        if request.path.startswith("/api/"):
            # The API's documented answer to a bad field: 422 naming it.
            raise ValidationError(bad, message)
        raise UnstorableInput(bad, message)
