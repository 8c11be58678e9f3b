"""Markdown in: our export back into an equal incident and post-mortem,
hand-written post-mortems, and files that must be refused whole."""

import re

import pytest
import sqlalchemy as sa
import yaml

from postmortem.domain.errors import ValidationError
from postmortem.domain.exports import builder, importer, markdown
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem, StatusUpdate, TimelineEvent

HAND_WRITTEN = """\
---
severity: SEV2
impact: major
date: 2026-11-16
resolved_at: 2026-11-16T11:40:00Z
regions: [eu-west]
---
# Chat outage of 16 November

## Executive summary

Chat was **down** for most users.

## Root cause

A bad cache config.

## Timeline

- 09:00 UTC — impact begins
- **09:03** detection: outage trackers spike
- 09:40: alert fired late

| Time | Event |
| --- | --- |
| 10:30 | Rollback started |
| 2026-11-16 11:40 | Recovery complete |

## Action items

- Add a canary

## Appendix

Dashboards.
"""


def _front_matter(pm: Postmortem) -> dict:
    meta = yaml.safe_load(markdown.export(builder.build(pm)).decode()
                          .split("---\n")[1])
    meta["incident"].pop("id")
    meta.pop("postmortem")
    return meta


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_export_imports_back_equal(written_pm, author):
    original = builder.build(written_pm)
    text = markdown.export(original)
    imported = importer.import_markdown(text, author)
    db.session.commit()
    assert imported.incident_id != written_pm.incident_id
    assert _front_matter(imported) == _front_matter(written_pm)
    copy = builder.build(imported)
    assert [(s.key, s.title, s.body) for s in copy.sections] == [
        (s.key, s.title, s.body) for s in original.sections]
    # The same document, but for the chart's element ids (made from the
    # incident id, unique on a page).
    assert [_without_ids(s.html) for s in copy.sections] == [
        _without_ids(s.html) for s in original.sections]
    assert copy.state == "draft"


def _without_ids(html: str) -> str:
    return re.sub(r"impact-chart-\d+", "impact-chart", html)


def test_two_headings_for_one_section_keep_both(author):
    pm = importer.import_markdown(
        "---\nstarted_at: 2026-11-16T09:00:00Z\n---\n# T\n\n## Root cause\n\nOne."
        "\n\n## Root causes\n\nTwo.\n", author)
    assert pm.section("root_causes").body == "One.\n\n### Root causes\n\nTwo."


def test_hand_written_post_mortem(author):
    pm = importer.import_markdown(HAND_WRITTEN, author)
    db.session.commit()
    incident = pm.incident
    assert incident.title == "Chat outage of 16 November"
    assert (incident.severity, incident.status) == ("SEV2", "resolved")
    assert incident.started_at.isoformat() == "2026-11-16T09:00:00+00:00"
    assert incident.detected_at.isoformat() == "2026-11-16T09:03:00+00:00"
    assert incident.regions == ["eu-west"]
    events = db.session.scalars(sa.select(TimelineEvent).order_by(
        TimelineEvent.occurred_at)).all()
    assert [(e.occurred_at.strftime("%H:%M"), e.kind, e.text) for e in events] == [
        ("09:00", "note", "impact begins"),
        ("09:03", "detection", "detection: outage trackers spike"),
        ("09:40", "alert", "alert fired late"),
        ("10:30", "note", "Rollback started"),
        ("11:40", "recovery", "Recovery complete"),
    ]
    assert all(e.key for e in events)
    sections = {s.key: s for s in pm.sections}
    assert sections["summary"].body == "Chat was **down** for most users."
    assert sections["root_causes"].body == "A bad cache config."
    assert sections["timeline"].body == "{{ timeline }}"
    assert sections["action_items"].body == "- Add a canary"
    assert sections["supporting_information"].body == "Dashboards."
    assert sections["trigger"].body == ""
    assert pm.state == "draft"


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"# T\n\x00", "NUL"),
    (b"x" * (importer.MAX_BYTES + 1), "too large"),
    (b"---\na: [1, 2\n---\n# T\n", "front matter"),
    (b"---\n- just\n- a list\n---\n# T\n", "mapping"),
    (b"---\na: &x [1]\nb: *x\n---\n# T\n", "aliases"),
    (b"---\n!!python/object/apply:os.system ['true']\n---\n# T\n",
     "front matter"),
    ("---\nx: " + "[" * 1200 + "]" * 1200 + "\n---\n# T\n", "front matter"),
    (b"---\ntitle: T\n", "never ends"),
    (b"No title, no sections.", "no title"),
    (b"# Title\n\n## Timeline\n\n- 09:00 something\n", "need a date"),
    ("# T\n\n## Summary\n\n" + "x" * 100_001, "too long"),
    (b"---\nstarted_at: 2026-11-16T09:00:00Z\n---\n# T\n\n## Summary\n\n"
     b"Hi {{ bogus }}\n", "bogus"),
    (b"---\nstarted_at: 2026-11-16T09:00:00\n---\n# T\n", "time zone"),
    (b"---\nstarted_at: 2026-11-16T09:00:00Z\nseverity: SEV9\n---\n# T\n",
     "severity"),
    (b"---\nstarted_at: 2026-11-16T09:00:00Z\nupdates: [{status: identified, "
     b"message: x, posted_at: 2026-11-16T09:10:00Z, component_changes: oops}]"
     b"\n---\n# T\n", "component_changes"),
    (b"---\nstarted_at: 2026-11-16T09:00:00Z\ncomponents: [{name: No slug}]\n"
     b"---\n# T\n", "slug"),
    (b"---\nstarted_at: 2026-11-16T09:00:00Z\nupdates: [{status: nope, "
     b"message: x, posted_at: 2026-11-16T09:10:00Z}]\n---\n# T\n", "updates[0]"),
])
def test_bad_files_are_refused_whole(author, content, problem):
    with pytest.raises(ValidationError) as caught:
        importer.import_markdown(content, author)
    db.session.rollback()
    assert problem in caught.value.message + " ".join(caught.value.fields.values()) \
        + " ".join(caught.value.fields)
    for model in (Incident, Postmortem, StatusUpdate, TimelineEvent):
        assert _count(model) == 0


HAND_WRITTEN_BARE = """\
# Search down

## Timeline

2026-11-16

- 09:00 impact begins
- 09:20 rollback done
"""


def test_hand_written_comes_in_resolved_and_private(author):
    """A post-mortem describes a past incident: without a status it is not a
    live public incident on /status, the banner or the API."""
    from postmortem.domain.visibility import can_see
    from tests import factories

    pm = importer.import_markdown(HAND_WRITTEN_BARE, author)
    db.session.commit()
    incident = pm.incident
    assert incident.status == "resolved"
    assert incident.resolved_at.isoformat() == "2026-11-16T09:20:00+00:00"
    assert incident.is_public is False
    assert can_see(author, incident)
    assert not can_see(None, incident)
    assert not can_see(factories.user("viewer"), incident)


def test_hand_written_without_timeline_resolves_at_its_start(author):
    pm = importer.import_markdown(
        b"---\nstarted_at: 2026-11-16T09:00:00Z\n---\n# T\n", author)
    assert pm.incident.resolved_at == pm.incident.started_at
    assert pm.incident.status == "resolved"


def test_hand_written_keeps_what_the_front_matter_says(author):
    pm = importer.import_markdown(
        b"---\nstarted_at: 2026-11-16T09:00:00Z\nstatus: monitoring\n"
        b"is_public: true\n---\n# T\n", author)
    assert (pm.incident.status, pm.incident.is_public) == ("monitoring", True)
    assert pm.incident.resolved_at is None


@pytest.mark.parametrize("dated", [
    "# Search down\n\n2026-11-16\n\n",
    "# Search down\n\n**Date:** 2026-11-16\n\n",
    "# Search down\n\n- Date: 16 November 2026\n- Severity: SEV2\n\n",
    "# Search down\n\n## Overview\n\nDate: November 16, 2026 09:00 UTC\n\n"
    "Search was down.\n\n",
])
def test_hand_written_date_under_the_title(author, dated):
    pm = importer.import_markdown(
        dated + "## Timeline\n\n- 09:00 impact begins\n- 09:20 rollback done\n",
        author)
    assert pm.incident.started_at.isoformat() == "2026-11-16T09:00:00+00:00"
    assert pm.incident.resolved_at.isoformat() == "2026-11-16T09:20:00+00:00"


def test_a_missing_date_is_explained_once(author):
    with pytest.raises(ValidationError) as caught:
        importer.import_markdown(b"# T\n\n## Timeline\n\n- 09:00 impact\n", author)
    message = caught.value.message
    assert "under the title" in message and "`Date: 2026-11-16`" in message
