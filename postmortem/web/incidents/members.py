"""Adding and removing the people who may see a private incident."""

from flask import Blueprint, flash, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField

from postmortem.domain import incidents, members
from postmortem.domain.errors import DomainError
from postmortem.extensions import db
from postmortem.models import Incident
from postmortem.web.access import me, require_login, role_required
from postmortem.web.auth.urls import MAX_ID

bp = Blueprint("members", __name__)
require_login(bp)
INCIDENT = f"/incidents/<int(max={MAX_ID}):incident_id>/members"


class MemberForm(FlaskForm):
    email = SelectField("Add a person", choices=[], validate_choice=False)


class RemoveForm(FlaskForm):
    """Only the CSRF token."""


@bp.app_template_global()
def member_forms(incident: Incident) -> dict:
    """The add form (its choices: who is not a member yet) and the remove
    form, for the incident page's members section."""
    form = MemberForm(prefix="member", formdata=None)
    # Grouped by role, so each option is only "Name (email)": with the role
    # in it too, the option did not fit the side column and was cut off.
    choices: dict[str, list[tuple[str, str]]] = {}
    for u in members.candidates(incident):
        choices.setdefault(f"{u.role.capitalize()}s", []).append(
            (u.email, f"{u.display_name} ({u.email})"))
    form.email.choices = choices
    return {"add": form, "remove": RemoveForm(prefix="member-remove",
                                              formdata=None),
            "members": members.of(incident)}



def _back(incident_id: int):
    return redirect(url_for("incidents.show", incident_id=incident_id,
                            _anchor="members"))


@bp.post(INCIDENT)
@role_required("responder")
def add(incident_id: int):
    """Add someone to an incident you can see."""
    incident = incidents.get(incident_id, me())
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        try:
            member = members.add(incident, {"email": form.email.data}, me())
        except DomainError as exc:
            db.session.rollback()
            flash(" ".join(exc.fields.values()) or exc.message, "error")
        else:
            db.session.commit()
            flash(f"Added {member.user.display_name}.", "success")
    return _back(incident_id)


@bp.post(INCIDENT + f"/<int(max={MAX_ID}):user_id>/remove")
@role_required("responder")
def remove(incident_id: int, user_id: int):
    """Take someone off an incident."""
    incident = incidents.get(incident_id, me())
    if RemoveForm(prefix="member-remove").validate_on_submit():
        members.remove(incident, user_id, me())
        db.session.commit()
        flash("Removed from the incident.", "success")
    if not _still_visible(incident_id):
        return redirect(url_for("incidents.index"))
    return _back(incident_id)


def _still_visible(incident_id: int) -> bool:
    """Someone who took themselves off a private incident no longer sees it."""
    try:
        incidents.get(incident_id, me())
    except DomainError:
        return False
    return True
