"""HTML, JSON and Markdown exports of an in-memory document."""

import json
import re

import yaml

from postmortem.domain.exports import html, importer, markdown
from postmortem.domain.exports import json as json_export
from tests.domain.exports.samples import document, section


def test_html_is_self_contained_and_printable():
    text = html.export(document(rows=5, items=2)).decode()
    assert "<style>" in text and "@page" in text and "@media screen" in text
    assert "<script" not in text
    # Nothing is fetched: no stylesheet links, images or fonts by URL.
    assert not re.search(r"<link|<img|<iframe|@import|url\(", text)
    assert "<svg" in text
    assert "Monday outage of chat, API and apps" in text


def test_html_keeps_hostile_markdown_inert():
    hostile = section("summary", "Summary",
                      "<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                      "<img src=x onerror=alert(1)> [d](data:text/html,hi)")
    text = html.export(document(sections=(hostile,))).decode()
    assert "<script>alert" not in text
    assert "javascript:" not in text and "onerror" not in text
    assert "data:text/html" not in text


def test_json_has_everything():
    data = json.loads(json_export.export(document(rows=4, items=3)))
    assert data["format"] == "postmortem-export"
    assert data["incident"]["id"] == 42
    assert data["incident"]["started_at"] == "2026-11-16T09:00:00Z"
    assert data["incident"]["durations"]["total"] == 160 * 60
    assert len(data["events"]) == 4 and len(data["action_items"]) == 3
    assert data["sections"][0]["key"] == "summary"
    assert data["updates"][0]["component_changes"][0]["new_status"] == "major_outage"


def test_markdown_front_matter_and_sections_read_back():
    sample = document(rows=6, items=2)
    text = markdown.export(sample).decode()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["incident"]["title"] == "Chat, API and apps unavailable"
    assert len(meta["events"]) == 6
    parsed = importer.parse(text)
    assert parsed.is_export
    assert [(s["key"], s["title"], s["body"]) for s in parsed.sections] == [
        (s.key, s.title, s.body.strip()) for s in sample.sections]
    assert parsed.incident["severity"] == "SEV1"
    assert len(parsed.action_items) == 2
