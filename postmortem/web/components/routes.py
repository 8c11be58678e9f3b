"""Components: everyone signed in reads them, admins change them."""

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, url_for

from postmortem.domain import components
from postmortem.extensions import db
from postmortem.models import Component
from postmortem.web.access import me, require_login, role_required
from postmortem.web.auth.urls import MAX_ID
from postmortem.web.components.forms import ComponentForm, DeleteForm
from postmortem.web.forms import form_status, submit

bp = Blueprint("components", __name__, url_prefix="/components")
require_login(bp)



@bp.get("")
def index():
    """Components by group, each with the status open incidents give it."""
    listed = components.list_components()
    groups = [(name, list(rows)) for name, rows in groupby(listed, lambda c: c.group)]
    return render_template("components/index.html", groups=groups,
                           statuses=components.current_statuses(me()))


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    """Add a component."""
    form = ComponentForm()
    saved, _component = submit(
        form, lambda: components.create_component(form.values(), me()),
        lambda component: f"Added component {component.name}.")
    if saved:
        return redirect(url_for(".index"))
    return render_template("components/form.html", form=form,
                           component=None), form_status(form)


@bp.route(f"/<int(max={MAX_ID}):component_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(component_id: int):
    """Change a component's name, slug, description, group or position."""
    component = db.get_or_404(Component, component_id)
    form = ComponentForm(obj=component)
    saved, _component = submit(
        form, lambda: components.update_component(component, form.values(), me()),
        lambda component: f"Saved component {component.name}.")
    if saved:
        return redirect(url_for(".index"))
    return render_template("components/form.html", form=form,
                           component=component), form_status(form)


@bp.route(f"/<int(max={MAX_ID}):component_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete(component_id: int):
    """Ask, then delete a component."""
    component = db.get_or_404(Component, component_id)
    form = DeleteForm()
    if form.validate_on_submit():
        components.delete_component(component, me())
        db.session.commit()
        flash(f"Deleted component {component.name}.", "success")
        return redirect(url_for(".index"))
    return render_template("components/delete.html", component=component, form=form,
                           incident_count=components.incident_count(component))
