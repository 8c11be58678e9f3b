"""Action items: the follow-up work incidents leave behind."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from postmortem.domain import actions, incidents
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.domain.vocabulary import ACTION_STATUSES
from postmortem.extensions import db
from postmortem.models import ActionItem
from postmortem.models.types import utcnow
from postmortem.web.access import me, require_login, role_required
from postmortem.web.actions.forms import ActionItemForm, StatusForm
from postmortem.web.auth.urls import MAX_ID, safe_next
from postmortem.web.forms import apply_errors, submit

bp = Blueprint("actions", __name__)
require_login(bp)


@bp.app_template_global()
def incident_path(incident_id: int, anchor: str | None = None) -> str:
    """The incident page, at `anchor` if given."""
    return url_for("incidents.show", incident_id=incident_id, _anchor=anchor)



@bp.get("/actions")
def index():
    """Open action items across incidents, overdue and soonest due first."""
    owner = request.args.get("owner", "").strip()[:120] or None
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    items = db.paginate(actions.open_items_query(owner, me()), page=page,
                        per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("actions/index.html", items=items, owner=owner,
                           owners=actions.open_owners(me()), today=utcnow().date(),
                           status_form=StatusForm())


@bp.get(f"/incidents/<int(max={MAX_ID}):incident_id>/actions/new")
@role_required("responder")
def new(incident_id: int):
    """The form to add an action item to an incident."""
    incident = incidents.get(incident_id, me())
    return render_template("actions/new.html", incident=incident,
                           form=ActionItemForm())


@bp.post(f"/incidents/<int(max={MAX_ID}):incident_id>/actions")
@role_required("responder")
def create(incident_id: int):
    """Add an action item; bad input comes back on the form page, text kept."""
    incident = incidents.get(incident_id, me())
    form = ActionItemForm()
    saved, _item = submit(
        form, lambda: actions.create(incident, form.values(), me()),
        lambda item: f"Added action item “{item.title}”.")
    if saved:
        return redirect(incident_path(incident.id, "action-items"))
    return render_template("actions/new.html", incident=incident, form=form), 422


@bp.route(f"/actions/<int(max={MAX_ID}):item_id>/edit", methods=["GET", "POST"])
@role_required("responder")
def edit(item_id: int):
    """Edit an action item; a stale save keeps the typed text and says why."""
    item = actions.get(item_id, me())
    form = ActionItemForm(obj=item)
    status = 200
    if form.validate_on_submit():
        try:
            actions.update(item, form.values() | {"version": form.version.data}, me())
            db.session.commit()
        except Conflict as exc:
            status = _explain_conflict(form, item, exc)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash(f"Saved action item “{item.title}”.", "success")
            return redirect(incident_path(item.incident_id, "action-items"))
    status = 422 if status == 200 and form.errors else status
    return render_template("actions/edit.html", item=item, form=form,
                           conflict=status == 409), status


def _explain_conflict(form: ActionItemForm, item: ActionItem, exc: Conflict) -> int:
    """Keep what was typed, show what is stored, and let the next save win."""
    db.session.rollback()
    db.session.refresh(item)
    form.form_errors.append(exc.message + " What is stored now is shown below your "
                            "text; saving again keeps your text.")
    form.version.data = str(item.version)
    return 409


@bp.post(f"/actions/<int(max={MAX_ID}):item_id>/status")
@role_required("responder")
def change_status(item_id: int):
    """Move an action item to another status (start, complete, reopen)."""
    item = actions.get(item_id, me())
    form = StatusForm()
    if not form.validate_on_submit():
        allowed = ", ".join(ACTION_STATUSES)
        raise ValidationError({"status": f"must be one of: {allowed}"},
                              f"The status must be one of: {allowed}.")
    actions.update(item, {"status": form.status.data}, me())
    db.session.commit()
    flash(f"“{item.title}” is now {form.status.data.replace('_', ' ')}.", "success")
    back = incident_path(item.incident_id, "action-items")
    return redirect(safe_next(form.next.data, back))
