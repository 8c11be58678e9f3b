"""The Markdown import upload."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class ImportForm(FlaskForm):
    file = FileField("Markdown file", validators=[FileRequired("Choose a .md file")])
    submit = SubmitField("Import")
