"""Templates: the default one, and admins' own with their writing guidance."""

import pytest

from postmortem.domain.errors import Conflict, ValidationError
from postmortem.domain.postmortem import documents, templates
from postmortem.extensions import db
from postmortem.models import PostmortemTemplate

SECTIONS = [{"key": "what", "title": "What happened", "guidance": "Plainly.",
             "body": "{{ timeline }}"},
            {"key": "next", "title": "What next", "guidance": ""}]


def test_default_template_is_google_sre():
    template = templates.default_template()
    assert [s.title for s in template.sections] == [
        "Summary", "Impact", "Root causes", "Trigger", "Resolution", "Detection",
        "Action items", "Lessons learned", "Timeline", "Supporting information"]
    assert all(s.guidance for s in template.sections)
    assert templates.default_template().id == template.id  # made once


def test_create_start_from_and_edit(admin, outage, author):
    template = templates.create({"name": "Short", "sections": SECTIONS}, admin)
    db.session.commit()
    pm = documents.start(outage, author, template)
    assert [(s.key, s.guidance) for s in pm.sections] == [
        ("what", "Plainly."), ("next", "")]
    templates.update(template, {"version": template.version, "sections": [
        {"key": "only", "title": "Only", "guidance": "New guidance"}]}, admin)
    db.session.commit()
    # The document keeps the sections and guidance it was started with.
    assert [s.key for s in pm.sections] == ["what", "next"]


@pytest.mark.parametrize("sections,field", [
    ([], "sections"),
    ([{"key": "Bad Key", "title": "x"}], "sections.0.key"),
    ([{"key": "a", "title": "x"}, {"key": "a", "title": "y"}], "sections.1.key"),
    ([{"key": "a", "title": ""}], "sections.0.title"),
    ([{"key": "a", "title": "A", "body": "{{ nope }}"}], "sections.0.body"),
])
def test_bad_templates(admin, sections, field):
    with pytest.raises(ValidationError) as caught:
        templates.create({"name": "Bad", "sections": sections}, admin)
    assert field in caught.value.fields


def test_names_unique_and_default_moves(admin):
    default = templates.default_template()
    with pytest.raises(ValidationError):
        templates.create({"name": templates.DEFAULT_NAME, "sections": SECTIONS}, admin)
    mine = templates.create({"name": "Mine", "sections": SECTIONS,
                             "is_default": True}, admin)
    db.session.commit()
    assert templates.default_template().id == mine.id
    assert not default.is_default
    with pytest.raises(Conflict):
        templates.delete(mine, admin)
    templates.delete(default, admin)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(PostmortemTemplate.id))) == 1
