"""Starting, saving (with optimistic locking) and revisions with diffs."""

import pytest

from postmortem.domain.errors import Conflict, NotFound, ValidationError
from postmortem.domain.postmortem import documents, revisions
from postmortem.extensions import db
from postmortem.models import Postmortem
from tests import factories


def save(pm, user, **bodies):
    revision = documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": k, "body": v} for k, v in bodies.items()]}, user)
    db.session.commit()
    return revision


def test_one_per_incident(pm, outage, author):
    with pytest.raises(Conflict):
        documents.start(outage, author)


def test_viewer_first_sight_starts_nothing(outage):
    viewer = factories.user("viewer")
    with pytest.raises(NotFound):
        documents.get_or_start(outage, viewer)
    assert db.session.scalar(db.select(db.func.count(Postmortem.id))) == 0


def test_responder_first_sight_is_not_authorship(outage, reviewer, author):
    pm = documents.get_or_start(outage, reviewer)
    assert pm.author_id is None and documents.authors(pm) == []
    save(pm, author, summary="Mine.")
    assert pm.author_id == author.id
    assert documents.authors(pm) == [author]


def test_stale_save_is_refused_and_changes_nothing(pm, author, reviewer):
    seen = pm.version
    save(pm, reviewer, summary="Reviewer got there first.")
    with pytest.raises(Conflict) as caught:
        documents.save_sections(pm, {"version": seen, "sections": [
            {"key": "summary", "body": "Author's stale text."}]}, author)
    assert caught.value.http_status == 409
    db.session.rollback()
    assert pm.section("summary").body == "Reviewer got there first."


def test_missing_version_refused(pm, author):
    with pytest.raises(ValidationError):
        documents.save_sections(pm, {"sections": []}, author)


def test_megabyte_section_refused(pm, author):
    with pytest.raises(ValidationError) as caught:
        save(pm, author, summary="x" * 1_000_000)
    assert "at most 100,000" in caught.value.fields["sections.summary"]
    db.session.rollback()
    assert pm.section("summary").body == ""


def test_unknown_marker_refused_at_save(pm, author):
    with pytest.raises(ValidationError) as caught:
        save(pm, author, summary="See {{ timelin }} and {{ metrics }}")
    message = caught.value.fields["sections.summary"]
    assert "unknown marker {{ timelin }}" in message
    assert "{{ timeline }}" in message


@pytest.mark.parametrize("sections,field", [
    ([{"key": "nope", "body": "x"}], "sections.nope"),
    ([{"key": "summary", "body": 5}], "sections.summary"),
    ([{"key": "summary", "body": "a\x00b"}], "sections.summary"),
    ([{"key": "summary", "title": ""}], "sections.summary.title"),
    ([7], "sections.0"),
])
def test_bad_sections(pm, author, sections, field):
    with pytest.raises(ValidationError) as caught:
        documents.save_sections(pm, {"version": pm.version, "sections": sections},
                                author)
    assert field in caught.value.fields


def test_every_save_is_a_revision_and_any_two_diff(pm, author, reviewer):
    save(pm, author, summary="First line.\nSecond line.")
    save(pm, reviewer, summary="First line.\nSecond line, better.",
         trigger="A config push.")
    assert save(pm, author, trigger="A config push.") is None  # no change
    history = revisions.history(pm)
    assert [r.number for r in history] == [3, 2, 1]
    assert [r.kind for r in history] == ["save", "save", "start"]
    assert history[0].author_id == reviewer.id
    lines = revisions.diff(revisions.get(pm, 2), revisions.get(pm, 3))
    changed = [(line.kind, line.text) for line in lines
               if line.kind in ("added", "removed") and line.text]
    assert changed == [("removed", "Second line."), ("added", "Second line, better."),
                       ("added", "A config push.")]
    whole = revisions.diff(revisions.get(pm, 1), revisions.get(pm, 3))
    assert ("added", "First line.") in [(x.kind, x.text) for x in whole]
    with pytest.raises(NotFound):
        revisions.get(pm, 99)


def test_diff_keeps_lines_that_look_like_headers(pm, author):
    save(pm, author, summary="--- a rule\n+++ b")
    save(pm, author, summary="plain")
    lines = revisions.diff(revisions.get(pm, 2), revisions.get(pm, 3))
    assert ("removed", "--- a rule") in [(x.kind, x.text) for x in lines]


def test_crlf_and_whitespace_normalised(pm, author):
    save(pm, author, summary="one\r\ntwo\r\n")
    assert pm.section("summary").body == "one\ntwo"


def test_markdown_nested_too_deeply_is_refused(pm, author):
    with pytest.raises(ValidationError) as caught:
        save(pm, author, summary="* " * 500 + "x")
    assert "nested too deeply" in caught.value.fields["sections.summary"]


def test_runs_of_brackets_are_just_text(pm, author):
    # The renderer parses in linear time: no limit on '[' is needed.
    save(pm, author, summary="[" * 20_000)
    assert pm.section("summary").body == "[" * 20_000


def test_broken_markdown_still_renders(pm, author):
    save(pm, author, summary="```\nunclosed fence\n\n| a | b\n|--\n**open")
    assert "unclosed fence" in pm.section("summary").body
