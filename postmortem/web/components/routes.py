"""Components: everyone signed in reads them, admins change them."""

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from postmortem.domain import components
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.models import Component
from postmortem.web.access import require_login, role_required
from postmortem.web.auth.urls import MAX_ID
from postmortem.web.components.forms import ComponentForm, DeleteForm
from postmortem.web.forms import apply_errors

bp = Blueprint("components", __name__, url_prefix="/components")
require_login(bp)


@bp.get("")
def index():
    """Components by group, each with the status open incidents give it."""
    listed = components.list_components()
    groups = [(name, list(rows)) for name, rows in groupby(listed, lambda c: c.group)]
    return render_template("components/index.html", groups=groups,
                           statuses=components.current_statuses())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    """Add a component."""
    form = ComponentForm()
    if form.validate_on_submit():
        try:
            component = components.create_component(
                form.values(), current_user._get_current_object())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Added component {component.name}.", "success")
            return redirect(url_for(".index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("components/form.html", form=form, component=None), status


@bp.route(f"/<int(max={MAX_ID}):component_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(component_id: int):
    """Change a component's name, slug, description, group or position."""
    component = db.get_or_404(Component, component_id)
    form = ComponentForm(obj=component)
    if form.validate_on_submit():
        try:
            components.update_component(component, form.values(),
                                        current_user._get_current_object())
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Saved component {component.name}.", "success")
            return redirect(url_for(".index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("components/form.html", form=form,
                           component=component), status


@bp.route(f"/<int(max={MAX_ID}):component_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete(component_id: int):
    """Ask, then delete a component."""
    component = db.get_or_404(Component, component_id)
    form = DeleteForm()
    if form.validate_on_submit():
        components.delete_component(component, current_user._get_current_object())
        db.session.commit()
        flash(f"Deleted component {component.name}.", "success")
        return redirect(url_for(".index"))
    return render_template("components/delete.html", component=component, form=form,
                           incident_count=components.incident_count(component))
