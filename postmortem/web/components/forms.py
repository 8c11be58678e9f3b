"""Component forms."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

MAX_POSITION = 10_000


def _position_in_range(_form, field) -> None:
    # Not NumberRange: it converts to float, and a 400-digit number overflows.
    if field.data is not None and not 0 <= field.data <= MAX_POSITION:
        raise ValidationError(f"Number must be between 0 and {MAX_POSITION}.")


class ComponentForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    slug = StringField("Slug", validators=[Optional(), Length(max=64)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    group = StringField("Group", validators=[Length(max=100)])
    position = IntegerField("Position", default=0,
                            validators=[Optional(), _position_in_range])

    def values(self) -> dict:
        """The fields as the domain reads them."""
        values = {name: getattr(self, name).data
                  for name in ("name", "slug", "description", "group", "position")}
        # An empty box means "make it from the name"; "" itself is no slug.
        values["slug"] = values["slug"] or None
        return values


class DeleteForm(FlaskForm):
    """Only the CSRF token: the button is the whole form."""
