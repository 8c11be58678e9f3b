"""Admin pages to schedule maintenance windows and move them along."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from postmortem.domain.errors import Conflict
from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.status.overview import ordered_components
from postmortem.models.types import utcnow
from postmortem.web.access import me, require_login, role_required
from postmortem.web.auth.urls import MAX_ID
from postmortem.web.forms import apply_errors, form_status, submit
from postmortem.web.status.forms import MaintenanceForm, MaintenanceUpdateForm

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")
require_login(bp)
ONE = f"/<int(max={MAX_ID}):maintenance_id>"



def _form(**kwargs) -> MaintenanceForm:
    form = MaintenanceForm(**kwargs)
    form.components.choices = [SelectChoice(c.slug, c.name)
                               for c in ordered_components()]
    return form


@bp.get("")
def index():
    """Every maintenance window, newest first."""
    return render_template("status/maintenance/index.html",
                           windows=maintenances.listed(), now=utcnow(),
                           status_of=maintenances.effective_status)


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    """Schedule a maintenance window."""
    form = _form()
    saved, window = submit(form, lambda: maintenances.schedule(form.values(True),
                                                               me()),
                           "Maintenance scheduled; it is on the status page.")
    if saved:
        return redirect(url_for(".show", maintenance_id=window.id))
    return render_template("status/maintenance/form.html", form=form,
                           window=None), form_status(form)


@bp.route(ONE + "/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(maintenance_id: int):
    """Change a window's title, times or components."""
    window = maintenances.get(maintenance_id)
    form = _form(obj=window)
    if not form.is_submitted():
        form.components.data = [c.slug for c in window.components]
        form.version.data = str(window.version)
    try:
        saved, _w = submit(form, lambda: maintenances.edit(window, form.values(False),
                                                           me()),
                           "Maintenance saved.")
    except Conflict as exc:
        apply_errors(form, exc)
        saved = False
    if saved:
        return redirect(url_for(".show", maintenance_id=maintenance_id))
    status = 409 if form.version.errors else form_status(form)
    return render_template("status/maintenance/form.html", form=form,
                           window=window), status


@bp.route(ONE, methods=["GET", "POST"])
def show(maintenance_id: int):
    """A window, its updates, and (for admins) the form to post one."""
    window = maintenances.get(maintenance_id)
    form = MaintenanceUpdateForm()
    if form.is_submitted() and not current_user.has_role("admin"):
        return render_template("errors/error.html", status=403,
                               message="Only admins post maintenance updates."), 403
    if not form.is_submitted():
        form.status.data = maintenances.effective_status(window, utcnow())
    saved, _update = submit(form, lambda: maintenances.post_update(
        window, form.values(), me()), "Update posted.")
    if saved:
        return redirect(url_for(".show", maintenance_id=maintenance_id))
    return render_template("status/maintenance/show.html", window=window, form=form,
                           status=maintenances.effective_status(window, utcnow())
                           ), form_status(form)
