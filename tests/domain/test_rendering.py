"""Markdown rendering: safe, complete, and bounded for any text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem.domain import events, incidents, updates
from postmortem.domain.errors import ValidationError
from postmortem.domain.rendering import (
    DEPTH_PROBLEM,
    MAX_DEPTH,
    markdown_problem,
    nesting_depth,
    render_markdown,
)
from tests import factories

# Each of these held a worker for minutes, raised RecursionError, or made the
# sanitiser's work grow with the square of the nesting, under the old parser.
HOSTILE = {
    "open brackets": "[" * 20_000,
    "image openers": "![" * 10_000,
    "link openers": "[a](" * 5_000,
    "emphasis runs": "*_" * 10_000,
    "unclosed emphasis": "*a " * 6_000,
    "backtick runs": "` a" * 6_000,
    "pipes": "|\n" * 10_000,
    "raw tag openers": "<a " * 6_000,
    "reference definitions": "[a]: " * 4_000,
    "entities": "&#" * 10_000,
    "backslashes": "\\" * 20_000,
    "many tables": "a|b\n-|-\n" * 2_500,
}
TOO_DEEP = {
    "numbered list markers": "1. " * 500,
    "bullet markers": "- a\n" + "".join("  " * i + "- x\n" for i in range(1, 400)),
    "quotes": "> " * 10_000,
    "quoted lists": "> - " * 3_000,
    "raw tags": "<b><i>" * 3_000,
    "html block": "<div>\n" * 3_000,
    "closing tags hidden in attributes": '<b title="</b>">' * 1_000,
    "closing tags hidden in a script": "<b><script></b>" * 1_000,
    "closing tags hidden in comments": "<b><!-- </b> -->" * 1_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_renders_completely(text):
    html = render_markdown(text)
    assert html
    assert markdown_problem(text) is None
    assert "<script" not in html


@pytest.mark.parametrize("text", TOO_DEEP.values(), ids=TOO_DEEP.keys())
def test_deep_nesting_is_refused_and_shown_as_plain_text(text):
    assert markdown_problem(text) == DEPTH_PROBLEM
    html = render_markdown(text)
    # Data that bypassed the forms still shows, escaped, without any markup.
    assert html.startswith("<p>")
    assert "<b>" not in html and "<script" not in html and "<blockquote" not in html


def test_ordinary_nesting_is_fine():
    text = "".join("  " * level + "- level **bold [link](https://e.example)**\n"
                   for level in range(12))
    assert markdown_problem(text) is None
    html = render_markdown(text)
    assert html.count("<ul>") == 12
    assert '<a href="https://e.example" rel="noopener noreferrer nofollow">' in html


def test_depth_counts_what_the_tree_builder_holds_open():
    assert nesting_depth("<p><em>a</em><strong>b</strong></p><hr><br>") == 2
    assert nesting_depth("<b>" * 5 + "</i>" * 5) == 5
    assert nesting_depth('<b title="</b>">' * 3) == 3
    assert nesting_depth("<b><!-- </b> --><b>") == 2
    assert nesting_depth("<ul><li>" * MAX_DEPTH) == 2 * MAX_DEPTH


def test_markdown_features_survive_sanitising():
    html = render_markdown(
        "# Title\n\nSome **bold**, *em*, ~~struck~~, `code`, H<sub>2</sub>O, "
        "x<sup>2</sup> and https://status.example.com\n\n"
        "| a | b |\n| :-- | --: |\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n"
        "1. one\n2. two\n\n> quote\n")
    for fragment in ("<h1>Title</h1>", "<strong>bold</strong>", "<em>em</em>",
                     "<del>struck</del>", "<code>code</code>", "<sub>2</sub>",
                     "<sup>2</sup>", '<a href="https://status.example.com"',
                     '<th align="left">a</th>', '<td align="right">2</td>',
                     "<pre><code>print(1)\n</code></pre>", "<ol>",
                     "<blockquote>"):
        assert fragment in html, fragment


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>',
    "<style>body{}</style>", '<p style="color:red" onclick="x()">hi</p>',
    "<iframe src=https://e.example></iframe>", "[x](data:text/html,hi)",
])
def test_scripts_styles_and_handlers_never_survive(text):
    html = render_markdown(text)
    for bad in ("<script", "onerror", "javascript:", "<style", "style=", "onclick",
                "<iframe", "data:", "<img"):
        assert bad not in html


def test_a_large_ordinary_document_renders_fully():
    block = ("## Timeline entry {n}\n\nAt 09:14 UTC the **gateway** returned `502` "
             "to 40% of requests; see [the graph](https://status.example.com/{n}).\n\n"
             "- first\n- second\n  - nested\n\n| metric | value |\n| --- | --- |\n"
             "| errors | {n} |\n\n```\nlog line {n}\n```\n\n> a customer report\n\n")
    text = "".join(block.format(n=n) for n in range(3_500))  # about 1 MB
    assert len(text) > 900_000
    assert markdown_problem(text) is None
    html = render_markdown(text)
    assert html.count("<h2>") == 3_500 and html.count("<table>") == 3_500
    assert "log line 3499" in html


@settings(max_examples=150, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(
    ["[", "]", "(", ")", "!", "*", "_", "`", "~", "|", "-", "1.", ">", "<", "/",
     "b", "a", "&", "#", ";", "\\", '"', "=", " ", "  ", "\n", "\n\n", ":",
     "http://e.x", "<b>", "</b>", "<!--", "-->", "\x00", "\ud800", "é"]),
    max_size=400).map("".join) | st.text(max_size=300))
def test_no_text_makes_the_renderer_raise(text):
    html = render_markdown(text)
    assert isinstance(html, str)
    assert "<script" not in html
    assert markdown_problem(text) in (None, DEPTH_PROBLEM)


def test_write_paths_refuse_too_deep_markdown(responder):
    incident = factories.incident(responder)
    deep = "> " * 200
    with pytest.raises(ValidationError) as refused:
        updates.post(incident, {"status": "identified", "message": deep}, responder)
    assert refused.value.fields == {"message": DEPTH_PROBLEM}
    with pytest.raises(ValidationError) as refused:
        events.add(incident, {"text": deep}, responder)
    assert refused.value.fields == {"text": DEPTH_PROBLEM}
    with pytest.raises(ValidationError) as refused:
        incidents.update(incident, {"version": incident.version, "summary": deep},
                         responder)
    assert refused.value.fields == {"summary": DEPTH_PROBLEM}


def test_write_paths_store_hostile_but_flat_markdown(responder):
    incident = factories.incident(responder)
    update = updates.post(incident, {"status": "identified",
                                     "message": "[" * 20_000}, responder)
    assert update.message_html == "<p>" + "[" * 20_000 + "</p>"
