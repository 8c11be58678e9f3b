"""Sign-in and first-run forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in")


class SetupForm(FlaskForm):
    name = StringField("Your name", validators=[Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(min=8, max=200)]
    )
    confirm = PasswordField("Repeat password", validators=[
        DataRequired(), EqualTo("password", message="Passwords must match")])
    load_demo = BooleanField("Load the demo incident (the Monday API outage)",
                             default=True)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired(), Length(max=200)])
    new_password = PasswordField("New password", validators=[
        DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(), EqualTo("new_password", message="Passwords must match")])


class SignOutEverywhereForm(FlaskForm):
    """Only the CSRF token: the button must come from our own page."""
