"""Maintenance forms."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from postmortem.models.maintenance import MAINTENANCE_STATUSES
from postmortem.web.incidents.fields import UTCTimeField


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        # The domain names unknown components; a removed one is not a crash.
        pass


class MaintenanceForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    scheduled_for = UTCTimeField("Starts (UTC)", validators=[DataRequired()])
    scheduled_until = UTCTimeField("Ends (UTC)", validators=[DataRequired()])
    components = CheckboxesField("Components under maintenance")
    message = TextAreaField("Message (Markdown)", validators=[Length(max=20_000)])
    version = HiddenField()

    def values(self, with_message: bool) -> dict:
        data = {"title": self.title.data, "scheduled_for": self.scheduled_for.data,
                "scheduled_until": self.scheduled_until.data,
                "components": self.components.data or []}
        if with_message:
            data["message"] = self.message.data or ""
        else:
            data["version"] = self.version.data
        return data


class MaintenanceUpdateForm(FlaskForm):
    status = SelectField("Status", choices=[
        SelectChoice(s, s.replace("_", " ").capitalize())
        for s in MAINTENANCE_STATUSES])
    message = TextAreaField("Message (Markdown)", validators=[Length(max=20_000)])
    posted_at = UTCTimeField("Posted at (UTC)")

    def values(self) -> dict:
        data = {"status": self.status.data, "message": self.message.data or ""}
        if self.posted_at.data:
            data["posted_at"] = self.posted_at.data
        return data
