"""Forms of the post-mortem pages; they validate, the domain saves."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from postmortem.models import Postmortem, PostmortemTemplate, User


class VersionForm(FlaskForm):
    """A button that acts on the version the page showed."""

    version = HiddenField()


def sections_form(pm: Postmortem, formdata: Any = None):
    """A textarea per section of `pm`, named `body_<key>`."""

    class SectionsForm(VersionForm):
        pass

    for section in pm.sections:
        setattr(SectionsForm, f"body_{section.key}",
                TextAreaField(section.title, render_kw={"rows": 8}))
    form = SectionsForm(formdata=formdata)
    if not form.is_submitted():
        form.version.data = str(pm.version)
        for section in pm.sections:
            form[f"body_{section.key}"].data = section.body
    return form


def section_bodies(form, pm: Postmortem) -> dict[str, str]:
    return {s.key: form[f"body_{s.key}"].data or "" for s in pm.sections}


class MoveForm(VersionForm):
    state = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("Reason", render_kw={"rows": 2},
                           validators=[Optional(), Length(max=5000)])


class ReviewForm(VersionForm):
    decision = HiddenField(validators=[DataRequired()])
    comment = TextAreaField("Comment", render_kw={"rows": 3},
                            validators=[Optional(), Length(max=5000)])


class ReviewerForm(FlaskForm):
    user_id = SelectField("Request a review from", coerce=str,
                          validators=[DataRequired()])


def reviewer_form(candidates: list[User]) -> ReviewerForm:
    form = ReviewerForm(prefix="reviewer")
    form.user_id.choices = [(str(u.id), f"{u.display_name} ({u.email})")
                            for u in candidates]
    return form


class PublicForm(VersionForm):
    is_public = HiddenField()


class TemplateSectionForm(Form):
    key = StringField("Key", validators=[Optional(), Length(max=64)])
    title = StringField("Title", validators=[Optional(), Length(max=120)])
    guidance = TextAreaField("Writing guidance", render_kw={"rows": 3},
                             validators=[Optional(), Length(max=5000)])
    body = TextAreaField("Starts with", render_kw={"rows": 2},
                         validators=[Optional(), Length(max=20000)])
    remove = BooleanField("Remove this section")


class TemplateForm(FlaskForm):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", render_kw={"rows": 2},
                                validators=[Optional(), Length(max=2000)])
    is_default = BooleanField("New post-mortems start from this template")
    sections = FieldList(FormField(TemplateSectionForm), min_entries=1,
                         max_entries=60)

    def domain_data(self) -> dict[str, Any]:
        sections = [{k: (entry[k].data or "") for k in ("key", "title", "guidance",
                                                        "body")}
                    for entry in self.sections
                    if not entry.remove.data
                    and any((entry[k].data or "").strip() for k in ("key", "title"))]
        return {"version": self.version.data, "name": self.name.data,
                "description": self.description.data or "",
                "is_default": bool(self.is_default.data), "sections": sections}


# Blank rows under the existing sections, for adding new ones without script.
BLANK_ROWS = 2


def template_form(template: PostmortemTemplate | None) -> TemplateForm:
    form = TemplateForm()
    if form.is_submitted():
        return form
    if template is not None:
        form.version.data = str(template.version)
        form.name.data = template.name
        form.description.data = template.description
        form.is_default.data = template.is_default
        rows = [{"key": s.key, "title": s.title, "guidance": s.guidance,
                 "body": s.body} for s in template.sections]
    else:
        rows = []
    while len(form.sections):
        form.sections.pop_entry()
    for row in rows + [{}] * BLANK_ROWS:
        form.sections.append_entry(row)
    return form
