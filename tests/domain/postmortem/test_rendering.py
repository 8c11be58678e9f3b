"""Rendering the document: Markdown sanitised, markers replaced by blocks."""

import pytest

from postmortem.domain.postmortem import blocks, rendering
from postmortem.domain.postmortem.rendering import document_sections, render_body
from postmortem.extensions import db


def test_default_template_places_every_block(pm):
    used = rendering.used_blocks(pm)
    assert sorted(used) == sorted(blocks.BLOCK_NAMES)
    keys = [key for key, _title, _html in document_sections(pm)]
    assert keys == ["summary", "impact", "root_causes", "trigger", "resolution",
                    "detection", "action_items", "lessons_learned", "timeline",
                    "supporting_information"]


def test_blocks_show_live_data(pm):
    html = {key: html for key, _t, html in document_sections(pm)}
    assert "<svg" in html["impact"] and "Major outage" in html["impact"]
    assert "Partial outage" in html["impact"] and "68%" in html["impact"]
    assert "4,200" in html["impact"] and "1,200,000" in html["impact"]
    assert "Outage tracker spike" in html["timeline"]
    assert "Unstarred chatter" not in html["timeline"]
    assert "Alert on shared error rate" in html["action_items"]
    assert "2 h 40 min" in html["supporting_information"]
    # A marker on its own line is the block, not a paragraph wrapping it.
    assert "<p><table" not in html["timeline"]


def test_impact_shows_worst_status_not_last(pm, outage):
    # The resolved incident's components are operational again; the block
    # shows the worst each one reached, and when.
    data = blocks.impact_data(outage)
    worst = {c["slug"]: c for c in data["components"]}
    assert {slug: c["status"] for slug, c in worst.items()} == {
        "website": "major_outage", "api": "partial_outage"}
    assert worst["website"]["start"].startswith("2026-11-16T09:00")
    assert worst["website"]["end"].startswith("2026-11-16T11:40")


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "[y](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="#" onclick="alert(1)">z</a>',
])
def test_hostile_markdown_is_inert(hostile):
    html = render_body(f"Before {hostile} after", {})
    assert "<script" not in html and "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "data:" not in html


def test_markers_inline_and_in_text(pm):
    html = render_body("See {{ metrics }} and {{metrics}}.", blocks.live(pm.incident))
    assert html.count('class="pm-block pm-metrics"') == 2


def test_unknown_marker_left_as_text_when_rendering():
    assert "{{ nope }}" in render_body("{{ nope }}", {})


def test_frozen_document_uses_snapshot(pm, outage, author):
    pm.snapshot = blocks.snapshot(outage)
    pm.state = "approved"
    db.session.commit()
    before = document_sections(pm)
    outage.title = "Renamed"
    from postmortem.domain import actions
    actions.create(outage, {"title": "Added later", "kind": "process",
                            "priority": "P3"}, author)
    db.session.commit()
    assert document_sections(pm) == before
    pm.state = "draft"
    assert "Added later" in {
        k: h for k, _t, h in document_sections(pm)}["action_items"]
