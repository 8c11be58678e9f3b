"""Incident pages: the list, declaring, the incident page and what is logged
on it, correcting it, and editing."""

from types import SimpleNamespace

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from postmortem.domain import (
    accounts,
    components,
    events,
    impact,
    incident_list,
    incident_page,
    incidents,
    update_templates,
    updates,
)
from postmortem.domain.errors import Conflict, ValidationError
from postmortem.domain.rendering import render_markdown
from postmortem.extensions import db
from postmortem.web.access import require_login, role_required
from postmortem.web.actions.forms import ActionItemForm
from postmortem.web.forms import apply_errors
from postmortem.web.incidents import cached_page, forms
from postmortem.web.incidents.once import Outcome, submit_once

bp = Blueprint("incidents", __name__)
require_login(bp)


@bp.get("/")
@bp.get("/incidents")
def index():
    """Incidents, newest first (or best match first for a search), a page at
    a time."""
    form = forms.filter_form(request.args, components.list_components())
    try:
        filters = incident_list.clean_filters(request.args)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_template("incidents/index.html", form=form, result=None,
                               rows=[], args={},
                               search_window=incident_list.SEARCH_WINDOW), 400
    result = incident_list.list_page(filters, current_user,
                                 current_app.config["PAGE_SIZE"])
    args = {k: request.args[k] for k in incident_list.FILTERS
            if k not in ("page", "cursor") and request.args.get(k)}
    return render_template("incidents/index.html", form=form, result=result,
                           rows=incident_page.list_rows(result.items), args=args,
                           search_window=incident_list.SEARCH_WINDOW)


@bp.route("/incidents/new", methods=["GET", "POST"])
@role_required("responder")
def new():
    """Declare an incident (adding a component not listed yet, for admins)."""
    form = forms.incident_form(components.list_components(), accounts.list_users())
    if not current_user.has_role("admin"):
        del form.new_component
    outcome = submit_once(
        form, "incident:new", lambda data: incidents.declare(data, current_user),
        lambda incident: url_for(".show", incident_id=incident.id),
        lambda incident: f"Incident #{incident.id} declared.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/new.html", form=form), outcome.status


@bp.get("/incidents/<int:incident_id>")
def show(incident_id: int):
    """The incident page: facts, milestones, scope, impact, updates, timeline."""
    incident = incidents.get(incident_id, current_user, shallow=True)
    template = request.args.get("template")
    message = None
    if template and current_user.has_role("responder"):
        message = update_templates.fill(update_templates.get(template), incident)
    return _page(incident, message=message)


@bp.get("/incidents/<int:incident_id>/version")
def version(incident_id: int):
    """What the open incident page polls: a stamp that changes with anything
    it shows (cheap: a few aggregates, no rendering)."""
    incident = incidents.get(incident_id, current_user)
    response = jsonify(version=incident_page.stamp(incident))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/incidents/<int:incident_id>/timeline")
def timeline(incident_id: int):
    """Every entry of the timeline, however long."""
    incident = incidents.get(incident_id, current_user)
    return render_template(
        "incidents/timeline.html", incident=incident,
        entries=incident_page.full_timeline(incident),
        can_write=current_user.has_role("responder"),
        forms=SimpleNamespace(controls=forms.controls_form("timeline")))


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@role_required("responder")
def edit(incident_id: int):
    """Edit an incident; a save based on an older version is refused, not merged."""
    incident = incidents.get(incident_id, current_user)
    form = forms.incident_form(components.list_components(), accounts.list_users(),
                               edit=True, values=incident_page.form_values(incident))
    outcome = submit_once(
        form, None, lambda data: incidents.update(incident, data, current_user),
        lambda _incident: url_for(".show", incident_id=incident.id),
        "Incident saved.")
    if outcome.response is not None:
        return outcome.response
    if outcome.conflict is not None:
        return _conflict(incident, form, outcome.conflict)
    return render_template("incidents/edit.html", form=form, incident=incident,
                           conflict=False), outcome.status


@bp.post("/incidents/<int:incident_id>/updates")
@role_required("responder")
def post_update(incident_id: int):
    """Post a status update, or (the Preview button) show how it will read."""
    incident = incidents.get(incident_id, current_user)
    form = forms.status_update_form(_update_components(incident))
    if "preview" in request.form:
        form.validate_on_submit()
        preview = render_markdown(form.message.data or "")
        return _page(incident, 200, preview=preview, update=form)
    return _on_page_save(
        incident, "update", form,
        lambda data: updates.post(incident, data, current_user),
        "Status update posted.", lambda u: _on_page(incident, f"update-{u.id}"))


@bp.route("/incidents/<int:incident_id>/updates/<int:update_id>/edit",
          methods=["GET", "POST"])
@role_required("responder")
def edit_update(incident_id: int, update_id: int):
    """Correct a status update; the page then shows it as edited."""
    incident = incidents.get(incident_id, current_user)
    update = updates.get(incident, update_id)
    form = forms.edit_update_form(_update_components(incident), update)
    outcome = submit_once(
        form, None, lambda data: updates.edit(update, data, current_user),
        lambda u: _on_page(incident, f"update-{u.id}"), "Status update corrected.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/edit_update.html", form=form,
                           incident=incident, update=update,
                           conflict=outcome.conflict), outcome.status


@bp.route("/incidents/<int:incident_id>/updates/<int:update_id>/delete",
          methods=["GET", "POST"])
@role_required("responder")
def delete_update(incident_id: int, update_id: int):
    """Delete a status update, once confirmed."""
    incident = incidents.get(incident_id, current_user)
    update = updates.get(incident, update_id)
    form = forms.ConfirmForm(data={"version": str(update.version)})
    outcome = submit_once(
        form, None, lambda data: updates.delete(update, data, current_user),
        lambda _r: _on_page(incident, "updates"), "Status update deleted.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/confirm_delete.html", form=form,
                           incident=incident, what="status update", item=update,
                           conflict=outcome.conflict), outcome.status


@bp.post("/incidents/<int:incident_id>/events")
@role_required("responder")
def add_event(incident_id: int):
    """Log a timeline event."""
    incident = incidents.get(incident_id, current_user)
    form = forms.EventForm(prefix="event")
    return _on_page_save(incident, "event", form,
                         lambda data: events.add(incident, data, current_user),
                         "Event logged.",
                         lambda e: _on_page(incident, f"event-{e.id}"))


@bp.route("/incidents/<int:incident_id>/events/<int:event_id>/edit",
          methods=["GET", "POST"])
@role_required("responder")
def edit_event(incident_id: int, event_id: int):
    """Edit a timeline event."""
    incident = incidents.get(incident_id, current_user)
    event = events.get(incident, event_id)
    form = forms.EventForm(prefix="event", obj=event)
    del form.submission
    outcome = submit_once(
        form, None, lambda data: events.edit(event, data, current_user),
        lambda _e: _on_page(incident, f"event-{event.id}"), "Event saved.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/edit_event.html", form=form, incident=incident,
                           event=event), outcome.status


@bp.post("/incidents/<int:incident_id>/events/<int:event_id>/star")
@role_required("responder")
def star_event(incident_id: int, event_id: int):
    """Star or unstar an event (starred events go into the post-mortem)."""
    incident = incidents.get(incident_id, current_user)
    event = events.get(incident, event_id)
    form = forms.TimelineControlsForm(prefix="tl")
    done = "Event starred." if form.key.data else "Event unstarred."
    return _on_page_save(incident, "controls", form,
                         lambda data: events.edit(event, data, current_user),
                         done, lambda _e: _back(incident, form, f"event-{event.id}"))


@bp.route("/incidents/<int:incident_id>/events/<int:event_id>/delete",
          methods=["GET", "POST"])
@role_required("responder")
def delete_event(incident_id: int, event_id: int):
    """Delete a timeline event, once confirmed (a page: no JavaScript needed)."""
    incident = incidents.get(incident_id, current_user)
    event = events.get(incident, event_id)
    form = forms.ConfirmForm()
    outcome = submit_once(
        form, None, lambda _data: events.delete(event, current_user),
        lambda _r: _on_page(incident, "timeline"), "Event deleted.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/confirm_delete.html", form=form,
                           incident=incident, what="timeline event", item=event,
                           conflict=None), outcome.status


@bp.post("/incidents/<int:incident_id>/samples")
@role_required("responder")
def add_sample(incident_id: int):
    """Record one impact sample."""
    incident = incidents.get(incident_id, current_user)
    form = forms.sample_form(None, submitted=True)
    return _on_page_save(incident, "sample", form,
                         lambda data: impact.record(incident, data, current_user),
                         "Sample recorded.", lambda _s: _on_page(incident, "impact"))


@bp.post("/incidents/<int:incident_id>/samples/csv")
@role_required("responder")
def paste_samples(incident_id: int):
    """Record impact samples pasted as CSV."""
    incident = incidents.get(incident_id, current_user)
    form = forms.CsvForm(prefix="csv")
    return _on_page_save(
        incident, "csv", form,
        lambda data: impact.record_csv(incident, data["csv"], current_user),
        "Samples recorded.", lambda _s: _on_page(incident, "impact"))


@bp.route("/incidents/<int:incident_id>/samples/list", methods=["GET", "POST"])
@role_required("responder")
def samples(incident_id: int):
    """Every impact sample, each deletable, and deletion by metric and range."""
    incident = incidents.get(incident_id, current_user)
    sample_list = impact.for_incident(incident)
    form = forms.SampleRangeForm(prefix="range")
    form.metric.choices = sorted({s.metric for s in sample_list})
    outcome = submit_once(
        form, None, lambda data: impact.delete_range(incident, data, current_user),
        lambda _n: url_for(".samples", incident_id=incident.id),
        lambda n: f"{n} sample{'' if n == 1 else 's'} deleted.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/samples.html", incident=incident,
                           samples=sample_list, form=form,
                           confirm=forms.ConfirmForm()), outcome.status


@bp.post("/incidents/<int:incident_id>/samples/<int:sample_id>/delete")
@role_required("responder")
def delete_sample(incident_id: int, sample_id: int):
    """Delete one impact sample."""
    incident = incidents.get(incident_id, current_user)
    sample = impact.get(incident, sample_id)
    outcome = submit_once(
        forms.ConfirmForm(), None, lambda _d: impact.delete(sample, current_user),
        lambda _r: url_for(".samples", incident_id=incident.id), "Sample deleted.")
    return outcome.response or redirect(url_for(".samples", incident_id=incident.id))


@bp.route("/update-templates", methods=["GET", "POST"])
@role_required("admin")
def templates():
    """Reusable status update texts (admins)."""
    form = forms.UpdateTemplateForm()
    outcome = submit_once(
        form, None, lambda data: update_templates.create(data, current_user),
        lambda _t: url_for(".templates"), "Template saved.")
    if outcome.response is not None:
        return outcome.response
    return render_template("incidents/update_templates.html", form=form,
                           templates=update_templates.list_templates(),
                           confirm=forms.ConfirmForm()), outcome.status


@bp.post("/update-templates/<int:template_id>/delete")
@role_required("admin")
def delete_template(template_id: int):
    """Delete an update template."""
    template = update_templates.get(template_id)
    outcome = submit_once(
        forms.ConfirmForm(), None,
        lambda _d: update_templates.delete(template, current_user),
        lambda _r: url_for(".templates"), "Template deleted.")
    return outcome.response or redirect(url_for(".templates"))


def _update_components(incident):
    return forms.affected_first(components.list_components(),
                                {a.component_id for a in incident.affected})


def _on_page(incident, anchor: str) -> str:
    return url_for(".show", incident_id=incident.id, _anchor=anchor)


def _back(incident, form, anchor: str) -> str:
    """Where the timeline buttons return: the page they were pressed on."""
    endpoint = ".timeline" if form.back.data == "timeline" else ".show"
    return url_for(endpoint, incident_id=incident.id, _anchor=anchor)


def _on_page_save(incident, name: str, form, action, done: str, target):
    """Submit a form of the incident page once; on bad input show the page
    again, errors beside the fields and the user's text kept."""
    key = f"{name}:{incident.id}" if "submission" in form else None
    outcome: Outcome = submit_once(form, key, action, target, done)
    return outcome.response or _page(incident, outcome.status, **{name: form})


def _page(incident, status: int = 200, preview=None, message=None, **submitted):
    """Render the incident page, with any just-submitted form in place; the
    plain page is the shared render (cached_page)."""
    def render() -> str:
        return _body(incident, preview=preview, message=message, **submitted)

    if preview is None and message is None and not submitted:
        body = cached_page.body(incident, render)
    else:
        body = Markup(render())  # noqa: S704 (our own template's output)
    return render_template("incidents/show.html", incident=incident,
                           body=body), status


def _body(incident, preview=None, message=None, **submitted) -> str:
    page = incident_page.build(incident)
    page_forms = forms.page_forms(
        _update_components(incident), incident.status,
        incident_page.sample_default(incident), message=message, **submitted)
    return render_template(
        "incidents/_page.html", incident=incident, page=page, forms=page_forms,
        can_write=current_user.has_role("responder"), preview=preview,
        templates=update_templates.list_templates(),
        action_items=page.action_items, action_form=ActionItemForm(formdata=None),
        today=incident_page.today(), stamp=incident_page.stamp(incident),
    )


def _conflict(incident, form, exc: Conflict):
    """Someone saved first: keep the typed values, show what is stored now."""
    db.session.rollback()
    differences = incident_page.differences(incident, form.domain_data())
    # They have now seen the stored values: saving again is a deliberate choice.
    form.version.data = str(incident.version)
    form.form_errors.append(exc.message + " Your changes are kept in the form; "
                            "the current stored values are listed beside it.")
    return render_template("incidents/edit.html", form=form, incident=incident,
                           conflict=True, differences=differences), 409
