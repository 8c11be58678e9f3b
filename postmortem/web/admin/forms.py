"""Forms for users, API tokens and the audit filter."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from postmortem.domain.accounts import MIN_PASSWORD
from postmortem.domain.vocabulary import ROLES, label

ROLE_CHOICES = [SelectChoice(role, label(role)) for role in ROLES]


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="viewer")
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200)])

    def values(self) -> dict:
        """The fields as the domain reads them."""
        return {"email": self.email.data, "name": self.name.data,
                "role": self.role.data, "password": self.password.data}


class UserEditForm(UserForm):
    password = PasswordField("New password", validators=[
        Optional(), Length(min=MIN_PASSWORD, max=200)])
    active = BooleanField("Active (may sign in and use API tokens)")

    def values(self) -> dict:
        return super().values() | {"active": self.active.data}


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=80)])
