"""`/incidents/<id>/postmortem.pdf|.md|.html|.json` for a signed-in user or
a Bearer token, and the Markdown import page."""

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from postmortem.domain import accounts, incidents
from postmortem.domain.errors import DomainError
from postmortem.domain.exports import importer, service
from postmortem.extensions import db
from postmortem.web.access import me, role_required
from postmortem.web.errors import json_error
from postmortem.web.exports.forms import ImportForm
from postmortem.web.forms import apply_errors, form_status

bp = Blueprint("exports", __name__)

# The HTML export is a document, not an app page: its own inline style only.
EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
             "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@bp.before_request
def authenticate():
    """A Bearer token if one is sent, else the signed-in session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = accounts.user_for_token(token.strip()) \
            if scheme.lower() == "bearer" else None
        if user is None:
            response, status = json_error(401, "unauthorized",
                                          "Invalid or revoked API token")
            response.headers["WWW-Authenticate"] = 'Bearer realm="postmortem"'
            return response, status
        g.export_user = user
        return None
    if not current_user.is_authenticated:
        if not accounts.has_users():
            return redirect(url_for("auth.setup"))
        return redirect(url_for("auth.login", next=request.full_path))
    g.export_user = me()
    return None


@bp.get("/incidents/<int:incident_id>/postmortem.<fmt>")
def export(incident_id: int, fmt: str):
    """The incident's post-mortem in one format; 404 to those who may not see
    the incident."""
    if fmt not in service.FORMATS:
        abort(404)
    try:
        incident = incidents.get(incident_id, g.export_user)
        pm = service.postmortem_of(incident)
        content = service.export(pm, fmt, request.args.get("variant"))
    except DomainError as exc:
        db.session.rollback()
        return json_error(exc.http_status, exc.code, exc.message, exc.fields)
    db.session.commit()
    return _send(content, incident, fmt)


def _send(content: bytes, incident, fmt: str) -> Response:
    disposition = "inline" if fmt in ("pdf", "html") and \
        request.args.get("download") is None else "attachment"
    response = Response(content, content_type=service.FORMATS[fmt].mimetype)
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{service.filename(incident, fmt)}"')
    response.headers["Content-Security-Policy"] = EXPORT_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/incidents/import", methods=["GET", "POST"])
@role_required("responder")
def import_markdown():
    """Upload a Markdown post-mortem: ours, or one written by hand."""
    form = ImportForm()
    if form.validate_on_submit():
        try:
            pm = importer.import_markdown(form.file.data.read(importer.MAX_BYTES + 1),
                                          g.export_user)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            return redirect(url_for("incidents.show", incident_id=pm.incident_id))
    return render_template("exports/import.html", form=form,
                           max_bytes=importer.MAX_BYTES), form_status(form)
