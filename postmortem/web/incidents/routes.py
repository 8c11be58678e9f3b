"""Incident pages: the list, declaring, the incident page and what is logged
on it, and editing."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from postmortem.domain import (
    accounts,
    components,
    events,
    impact,
    incident_page,
    incidents,
    updates,
)
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.extensions import db
from postmortem.web.access import require_login, role_required
from postmortem.web.actions.forms import ActionItemForm
from postmortem.web.forms import apply_errors, form_status, submit
from postmortem.web.incidents import forms

bp = Blueprint("incidents", __name__)
require_login(bp)


@bp.get("/")
@bp.get("/incidents")
def index():
    """Incidents, newest first (or best match first for a search), a page at
    a time."""
    form = forms.filter_form(request.args, components.list_components())
    try:
        filters = incidents.clean_filters(request.args)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_template("incidents/index.html", form=form, result=None,
                               rows=[], args={},
                               search_window=incidents.SEARCH_WINDOW), 400
    result = incidents.list_page(filters, current_user,
                                 current_app.config["PAGE_SIZE"])
    args = {k: request.args[k] for k in incidents.FILTERS
            if k not in ("page", "cursor") and request.args.get(k)}
    return render_template("incidents/index.html", form=form, result=result,
                           rows=incident_page.list_rows(result.items), args=args,
                           search_window=incidents.SEARCH_WINDOW)


@bp.route("/incidents/new", methods=["GET", "POST"])
@role_required("responder")
def new():
    """Declare an incident."""
    form = forms.incident_form(components.list_components(), accounts.list_users())
    saved, incident = submit(
        form, lambda: incidents.declare(form.domain_data(), current_user),
        lambda incident: f"Incident #{incident.id} declared.")
    if saved:
        return redirect(url_for(".show", incident_id=incident.id))
    return render_template("incidents/new.html", form=form), form_status(form)


@bp.get("/incidents/<int:incident_id>")
def show(incident_id: int):
    """The incident page: facts, milestones, scope, impact, updates, timeline."""
    return _page(incidents.get(incident_id))


@bp.get("/incidents/<int:incident_id>/timeline")
def timeline(incident_id: int):
    """Every entry of the timeline, however long."""
    incident = incidents.get(incident_id)
    return render_template(
        "incidents/timeline.html", incident=incident,
        entries=incident_page.full_timeline(incident),
        can_write=current_user.has_role("responder"),
        forms=SimpleNamespace(controls=forms.controls_form("timeline")))


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@role_required("responder")
def edit(incident_id: int):
    """Edit an incident; a save based on an older version is refused, not merged."""
    incident = incidents.get(incident_id)
    form = forms.incident_form(components.list_components(), accounts.list_users(),
                               edit=True, values=incident_page.form_values(incident))
    if form.validate_on_submit():
        try:
            incidents.update(incident, form.domain_data(), current_user)
        except Conflict as exc:
            db.session.rollback()
            return _conflict(incident, form, exc)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash("Incident saved.", "success")
            return redirect(url_for(".show", incident_id=incident.id))
    return render_template("incidents/edit.html", form=form, incident=incident,
                           conflict=False), form_status(form)


@bp.post("/incidents/<int:incident_id>/updates")
@role_required("responder")
def post_update(incident_id: int):
    """Post a status update."""
    incident = incidents.get(incident_id)
    form = forms.status_update_form(components.list_components())
    return _save(incident, "update", form,
                 lambda data: updates.post(incident, data, current_user),
                 "Status update posted.", _on_page(incident, "updates"))


@bp.post("/incidents/<int:incident_id>/events")
@role_required("responder")
def add_event(incident_id: int):
    """Log a timeline event."""
    incident = incidents.get(incident_id)
    form = forms.EventForm(prefix="event")
    return _save(incident, "event", form,
                 lambda data: events.add(incident, data, current_user),
                 "Event logged.", _on_page(incident, "timeline"))


@bp.route("/incidents/<int:incident_id>/events/<int:event_id>/edit",
          methods=["GET", "POST"])
@role_required("responder")
def edit_event(incident_id: int, event_id: int):
    """Edit a timeline event."""
    incident = incidents.get(incident_id)
    event = events.get(incident, event_id)
    form = forms.EventForm(prefix="event", obj=event)
    saved, _event = submit(
        form, lambda: events.edit(event, form.domain_data(), current_user),
        "Event saved.")
    if saved:
        return redirect(url_for(".show", incident_id=incident.id,
                                _anchor=f"event-{event.id}"))
    return render_template("incidents/edit_event.html", form=form, incident=incident,
                           event=event), form_status(form)


@bp.post("/incidents/<int:incident_id>/events/<int:event_id>/star")
@role_required("responder")
def star_event(incident_id: int, event_id: int):
    """Star or unstar an event (starred events go into the post-mortem)."""
    incident = incidents.get(incident_id)
    event = events.get(incident, event_id)
    form = forms.TimelineControlsForm(prefix="tl")
    done = "Event starred." if form.key.data else "Event unstarred."
    return _save(incident, "controls", form,
                 lambda data: events.edit(event, data, current_user),
                 done, _back(incident, form, f"event-{event.id}"))


@bp.post("/incidents/<int:incident_id>/events/<int:event_id>/delete")
@role_required("responder")
def delete_event(incident_id: int, event_id: int):
    """Delete a timeline event."""
    incident = incidents.get(incident_id)
    event = events.get(incident, event_id)
    form = forms.TimelineControlsForm(prefix="tl")
    return _save(incident, "controls", form,
                 lambda _data: events.delete(event, current_user),
                 "Event deleted.", _back(incident, form, "timeline"))


@bp.post("/incidents/<int:incident_id>/samples")
@role_required("responder")
def add_sample(incident_id: int):
    """Record one impact sample."""
    incident = incidents.get(incident_id)
    form = forms.SampleForm(prefix="sample")
    return _save(incident, "sample", form,
                 lambda data: impact.record(incident, data, current_user),
                 "Sample recorded.", _on_page(incident, "impact"))


@bp.post("/incidents/<int:incident_id>/samples/csv")
@role_required("responder")
def paste_samples(incident_id: int):
    """Record impact samples pasted as CSV."""
    incident = incidents.get(incident_id)
    form = forms.CsvForm(prefix="csv")
    return _save(incident, "csv", form,
                 lambda data: incident_page.record_csv(incident, data["csv"],
                                                       current_user),
                 "Samples recorded.", _on_page(incident, "impact"))


def _on_page(incident, anchor: str) -> str:
    return url_for(".show", incident_id=incident.id, _anchor=anchor)


def _back(incident, form, anchor: str) -> str:
    """Where the timeline buttons return: the page they were pressed on."""
    endpoint = ".timeline" if form.back.data == "timeline" else ".show"
    return url_for(endpoint, incident_id=incident.id, _anchor=anchor)


def _save(incident, name: str, form, action: Callable[[dict], Any], done: str,
          target: str):
    """Validate `form`, run `action` on its values, commit and go to `target`;
    on bad input show the page again, errors beside the fields and the user's
    text kept."""
    status = 422
    if form.validate_on_submit():
        try:
            action(form.domain_data())
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = exc.http_status
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(target)
    return _page(incident, status, **{name: form})


def _page(incident, status: int = 200, **submitted):
    """Render the incident page, with any just-submitted form in place."""
    page = incident_page.build(incident)
    page_forms = forms.page_forms(page.components, incident.status, **submitted)
    return render_template(
        "incidents/show.html", incident=incident, page=page, forms=page_forms,
        can_write=current_user.has_role("responder"),
        action_items=page.action_items, action_form=ActionItemForm(formdata=None),
        today=incident_page.today(),
    ), status


def _conflict(incident, form, exc: Conflict):
    """Someone saved first: keep the typed values, show what is stored now."""
    differences = incident_page.differences(incident, form.domain_data())
    # They have now seen the stored values: saving again is a deliberate choice.
    form.version.data = str(incident.version)
    form.form_errors.append(exc.message + " Your changes are kept in the form; "
                            "the current stored values are listed beside it.")
    return render_template("incidents/edit.html", form=form, incident=incident,
                           conflict=True, differences=differences), 409
