"""Component forms."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ComponentForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    slug = StringField("Slug", validators=[Optional(), Length(max=64)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    group = StringField("Group", validators=[Length(max=100)])
    position = IntegerField("Position", default=0,
                            validators=[Optional(), NumberRange(min=0, max=10_000)])

    def values(self) -> dict:
        """The fields as the domain reads them."""
        return {name: getattr(self, name).data
                for name in ("name", "slug", "description", "group", "position")}


class DeleteForm(FlaskForm):
    """Only the CSRF token: the button is the whole form."""
