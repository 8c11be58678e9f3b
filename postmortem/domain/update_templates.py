"""Reusable status update texts, kept by admins, one or more per status.

`{components}` becomes the incident's affected components and
`{next_update}` the time of the next update (in 30 minutes), so the first
"We are aware of issues affecting …" post takes seconds to send.
"""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.values import Fields, format_utc
from postmortem.domain.vocabulary import INCIDENT_STATUSES
from postmortem.extensions import db
from postmortem.models import Incident, UpdateTemplate, User
from postmortem.models.types import utcnow

NEXT_UPDATE_IN = timedelta(minutes=30)
PLACEHOLDERS = ("{components}", "{next_update}")


def list_templates() -> list[UpdateTemplate]:
    return list(db.session.scalars(
        sa.select(UpdateTemplate).order_by(UpdateTemplate.status,
                                           UpdateTemplate.name)))


def get(template_id: Any) -> UpdateTemplate:
    known = str(template_id).isdigit() and int(template_id) < 2**31
    template = db.session.get(UpdateTemplate, int(template_id)) if known else None
    if template is None:
        raise NotFound("No such update template")
    return template


def create(data: Any, actor: User) -> UpdateTemplate:
    fields = Fields(data)
    fields.text("name", 100, required=True)
    fields.choice("status", INCIDENT_STATUSES, required=True)
    fields.text("message", 20_000, required=True)
    values = fields.result()
    taken = db.session.scalar(sa.select(UpdateTemplate.id).where(
        sa.func.lower(UpdateTemplate.name) == values["name"].lower()))
    if taken is not None:
        raise ValidationError({"name": "is already used by another template"})
    template = UpdateTemplate(**values)
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "update_template.create", template, values)
    return template


def delete(template: UpdateTemplate, actor: User) -> None:
    audit.record(actor, "update_template.delete", template, {
        "name": template.name, "message": template.message})
    db.session.delete(template)


def fill(template: UpdateTemplate, incident: Incident) -> str:
    """The template's text for this incident, placeholders filled in."""
    names = [a.component.name for a in incident.affected
             if a.status != "operational"]
    components = ", ".join(names) if names else "some of our services"
    next_update = format_utc(utcnow() + NEXT_UPDATE_IN) + " UTC"
    return (template.message.replace("{components}", components)
            .replace("{next_update}", next_update))
