"""The post-mortem page of an incident, writing it, review, revisions, and the
admins' templates."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from postmortem.domain import incidents
from postmortem.domain.errors import Conflict, DomainError, ValidationError
from postmortem.domain.postmortem import (
    documents,
    draft,
    readiness,
    rendering,
    revisions,
    templates,
    workflow,
)
from postmortem.domain.versioning import require_version
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem
from postmortem.web.access import require_login, role_required
from postmortem.web.forms import apply_errors, form_status
from postmortem.web.postmortems import forms

bp = Blueprint("postmortems", __name__)
require_login(bp)
DOC = "/incidents/<int:incident_id>/postmortem"
MOVE_DONE = {"in_review": "Submitted for review.", "approved": "Approved and frozen.",
             "published": "Published.", "draft": "Moved back to draft."}


def _incident(incident_id: int) -> Incident:
    return incidents.get(incident_id, current_user)


def _document(incident_id: int) -> Postmortem:
    return documents.get(_incident(incident_id))


def _show(pm: Postmortem, error: str | None = None, status: int = 200,
          move_form: forms.MoveForm | None = None):
    """The post-mortem page, optionally with a refused action's error."""
    history = revisions.history(pm)
    return render_template(
        "postmortems/show.html", pm=pm, incident=pm.incident, error=error,
        sections=rendering.document_sections(pm), checks=readiness.check(pm),
        moves=workflow.allowed_moves(pm, current_user),
        can_write=current_user.has_role("responder"),
        is_admin=current_user.has_role("admin"),
        authors=documents.authors(pm), reviews=workflow.reviews(pm),
        transitions=workflow.transitions(pm), history=history,
        version_form=forms.VersionForm(formdata=None, version=pm.version),
        move_form=move_form or forms.MoveForm(formdata=None, version=pm.version),
        reviewer_form=forms.reviewer_form(workflow.candidate_reviewers(pm)),
    ), status


@bp.get(DOC)
def show(incident_id: int):
    """The post-mortem; a responder's first visit starts it from the default
    template."""
    incident = _incident(incident_id)
    pm = documents.find(incident)
    if pm is None and current_user.has_role("responder"):
        pm = documents.get_or_start(incident, current_user)
        db.session.commit()
    if pm is None:
        return render_template("postmortems/none.html", incident=incident), 404
    return _show(pm)


def _act(pm: Postmortem, action: Callable[[], Any], done: str, anchor: str = ""):
    """Run one domain action for a button; on refusal, show the page again
    with the reason and its status (403, 409, 422)."""
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(pm)
        return _show(pm, exc.message, exc.http_status)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".show", incident_id=pm.incident_id, _anchor=anchor))


@bp.post(f"{DOC}/move")
@role_required("responder")
def move(incident_id: int):
    """Move through review: submit, approve, publish, back to draft."""
    pm = _document(incident_id)
    form = forms.MoveForm()
    if not form.validate_on_submit():
        return _show(pm, "Choose a state to move to.", 422)

    def action():
        require_version(pm, {"version": form.version.data}, "post-mortem")
        state = form.state.data
        note = form.reason.data or ""
        workflow.move(pm, state, current_user, reason=note if state == "draft"
                      else "", comment=note if state != "draft" else "")

    return _act(pm, action, MOVE_DONE.get(form.state.data, "Moved."), "workflow")


@bp.post(f"{DOC}/public")
@role_required("admin")
def public(incident_id: int):
    """Mark a published post-mortem public, or not."""
    pm = _document(incident_id)
    form = forms.PublicForm()
    flag = form.is_public.data == "true"

    def action():
        require_version(pm, {"version": form.version.data}, "post-mortem")
        workflow.set_public(pm, flag, current_user)

    return _act(pm, action, "Public." if flag else "No longer public.", "workflow")


@bp.post(f"{DOC}/reviewers")
@role_required("responder")
def add_reviewer(incident_id: int):
    """Request someone's review."""
    pm = _document(incident_id)
    form = forms.ReviewerForm(prefix="reviewer")
    return _act(pm, lambda: workflow.add_reviewer(pm, form.user_id.data,
                                                  current_user),
                "Review requested.", "reviewers")


@bp.post(f"{DOC}/reviewers/<int:user_id>/remove")
@role_required("responder")
def remove_reviewer(incident_id: int, user_id: int):
    """Withdraw a review request."""
    pm = _document(incident_id)
    return _act(pm, lambda: workflow.remove_reviewer(pm, user_id, current_user),
                "Reviewer removed.", "reviewers")


@bp.post(f"{DOC}/draft")
@role_required("responder")
def draft_from_incident(incident_id: int):
    """Fill the sections with no prose yet from the incident record."""
    pm = _document(incident_id)
    form = forms.VersionForm()
    try:
        revision = draft.fill(pm, {"version": form.version.data}, current_user)
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(pm)
        return _show(pm, exc.message, exc.http_status)
    db.session.commit()
    flash(f"Drafted from the incident (revision {revision.number})." if revision
          else "Nothing to draft: those sections already have text.", "success")
    return redirect(url_for(".edit", incident_id=incident_id))


@bp.route(f"{DOC}/edit", methods=["GET", "POST"])
@role_required("responder")
def edit(incident_id: int):
    """Write the sections, with guidance beside each; Preview renders without
    saving, Save keeps a revision (a stale save keeps the typed text)."""
    pm = _document(incident_id)
    if pm.is_frozen and request.method == "GET":
        flash("This post-mortem is frozen since its approval; move it back to "
              "draft (with a reason) to edit it.", "info")
        return redirect(url_for(".show", incident_id=incident_id))
    form = forms.sections_form(pm, request.form if request.method == "POST" else None)
    if not form.validate_on_submit():
        return _edit_page(pm, form)
    bodies = forms.section_bodies(form, pm)
    try:
        bodies = documents.check_bodies(pm, bodies)
    except ValidationError as exc:
        _section_errors(form, exc)
        return _edit_page(pm, form, status=422)
    if "preview" in request.form:
        return _edit_page(pm, form, preview=rendering.preview(pm, bodies))
    data = {"version": form.version.data,
            "sections": [{"key": k, "body": v} for k, v in bodies.items()]}
    try:
        revision = documents.save_sections(pm, data, current_user)
    except Conflict as exc:
        return _stale(pm, form, exc)
    except ValidationError as exc:
        db.session.rollback()
        _section_errors(form, exc)
        return _edit_page(pm, form, status=422)
    db.session.commit()
    flash(f"Saved as revision {revision.number}." if revision else "No changes.",
          "success")
    return redirect(url_for(".show", incident_id=incident_id))


def _edit_page(pm: Postmortem, form, preview=None, stored=None, status=None):
    return render_template(
        "postmortems/edit.html", pm=pm, incident=pm.incident, form=form,
        preview={s.key: s.html for s in preview} if preview else None,
        stored=stored, draft_form=forms.VersionForm(formdata=None,
                                                    version=pm.version),
    ), status or form_status(form)


def _section_errors(form, exc: ValidationError) -> None:
    renamed = {name.replace("sections.", "body_", 1): message
               for name, message in exc.fields.items()}
    apply_errors(form, ValidationError(renamed, exc.message))


def _stale(pm: Postmortem, form, exc: Conflict):
    """Someone saved first (or it is frozen): keep the typed text and show
    the stored text beside each section."""
    db.session.rollback()
    db.session.refresh(pm)
    stored = {s.key: s.body for s in pm.sections}
    form.version.data = str(pm.version)
    form.form_errors.append(exc.message + " Your text is kept in the form; the "
                            "stored text is shown beside each section.")
    return _edit_page(pm, form, stored=stored, status=409)


@bp.get(f"{DOC}/revisions/<int:number>")
def revision(incident_id: int, number: int):
    """One revision's Markdown, as it was saved."""
    pm = _document(incident_id)
    return render_template("postmortems/revision.html", pm=pm, incident=pm.incident,
                           revision=revisions.get(pm, number))


@bp.get(f"{DOC}/diff")
def diff(incident_id: int):
    """The difference between any two revisions (`a` older, `b` newer)."""
    pm = _document(incident_id)
    history = revisions.history(pm)
    newest = history[0].number if history else 1
    a = revisions.get(pm, request.args.get("a", max(newest - 1, 1)))
    b = revisions.get(pm, request.args.get("b", newest))
    return render_template("postmortems/diff.html", pm=pm, incident=pm.incident,
                           a=a, b=b, lines=revisions.diff(a, b), history=history)


# --- templates (admin) ------------------------------------------------------

@bp.get("/admin/postmortem-templates")
@role_required("admin")
def template_index():
    """The post-mortem templates."""
    all_templates = templates.all_templates()
    db.session.commit()
    return render_template("postmortems/templates.html", templates=all_templates,
                           form=forms.VersionForm(formdata=None))


@bp.route("/admin/postmortem-templates/new", methods=["GET", "POST"])
@role_required("admin")
def template_new():
    """Create a template."""
    form = forms.template_form(None)
    return _template_save(form, None, lambda: templates.create(
        form.domain_data(), current_user))


@bp.route("/admin/postmortem-templates/<int:template_id>/edit",
          methods=["GET", "POST"])
@role_required("admin")
def template_edit(template_id: int):
    """Edit a template's name, sections and writing guidance."""
    template = templates.get(template_id)
    form = forms.template_form(template)
    return _template_save(form, template, lambda: templates.update(
        template, form.domain_data(), current_user))


def _template_save(form, template, action: Callable[[], Any]):
    status = None
    if form.validate_on_submit():
        try:
            action()
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            _template_errors(form, exc)
            status = exc.http_status
        else:
            db.session.commit()
            flash("Template saved.", "success")
            return redirect(url_for(".template_index"))
    return render_template("postmortems/template_form.html", form=form,
                           template=template), status or form_status(form)


def _template_errors(form, exc: DomainError) -> None:
    """`sections.<n>.<field>` errors go beside that row's field."""
    rest = {}
    for name, message in exc.fields.items():
        parts = name.split(".")
        if parts[0] == "sections" and len(parts) == 3 and parts[1].isdigit():
            kept = [e for e in form.sections.entries if not e.remove.data
                    and any((e[k].data or "").strip() for k in ("key", "title"))]
            if int(parts[1]) < len(kept):
                kept[int(parts[1])][parts[2]].errors = [message]
                continue
        rest[name] = message
    if rest or not exc.fields:
        apply_errors(form, type(exc)(exc.message, rest) if isinstance(exc, Conflict)
                     else ValidationError(rest or {"template": exc.message}))


@bp.post("/admin/postmortem-templates/<int:template_id>/delete")
@role_required("admin")
def template_delete(template_id: int):
    """Delete a template (documents keep their own copy of its sections)."""
    template = templates.get(template_id)
    try:
        templates.delete(template, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".template_index"))
    db.session.commit()
    flash("Template deleted.", "success")
    return redirect(url_for(".template_index"))
