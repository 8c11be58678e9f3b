"""The action item form, used on its own pages and on the incident page."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from postmortem.domain.vocabulary import (
    ACTION_KINDS,
    ACTION_STATUSES,
    PRIORITIES,
    label,
)

FIELDS = ("title", "description", "owner", "kind", "priority", "status", "due_date",
          "tracker_url")


def _choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(value, label(value)) for value in values]


class ActionItemForm(FlaskForm):
    """Fields are named `action-…` so the form can share a page with others."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=10_000)])
    owner = StringField("Owner", validators=[Length(max=120)])
    kind = SelectField("Kind", choices=_choices(ACTION_KINDS), default="prevent")
    priority = SelectField("Priority", choices=[SelectChoice(p, p) for p in PRIORITIES],
                           default="P2")
    status = SelectField("Status", choices=_choices(ACTION_STATUSES), default="open")
    due_date = DateField("Due date", validators=[Optional()])
    tracker_url = URLField("Tracker URL", validators=[
        Optional(), Length(max=500),
        Regexp(r"^https?://[^\s/]+", message="Must be an http(s) URL.")])
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        """The fields as the domain reads them."""
        return {name: getattr(self, name).data for name in FIELDS}


class StatusForm(FlaskForm):
    """A quick status change from a list: the button pressed names the status."""

    status = SelectField(choices=_choices(ACTION_STATUSES))
    next = HiddenField()
