"""The document as HTML: each section's Markdown rendered and sanitised, with
its markers replaced by generated blocks.

Before approval the blocks come from the incident's live data; once approved,
from the frozen snapshot, so the approved document renders the same bytes
whatever happens to the incident afterwards.
"""

import re
from collections.abc import Mapping
from typing import NamedTuple

from markupsafe import Markup

from postmortem.domain.postmortem.blocks import BLOCK_NAMES, live
from postmortem.domain.rendering import (  # noqa: F401  (one check for all text)
    markdown_problem,
    render_markdown,
)
from postmortem.models import Postmortem

MARKER_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


class RenderedSection(NamedTuple):
    key: str
    title: str
    html: Markup


def markers(body: str) -> list[str]:
    """The marker names a body uses, in order, known or not."""
    return [match.group(1) for match in MARKER_RE.finditer(body or "")]


def unknown_markers(body: str) -> list[str]:
    return [name for name in markers(body) if name not in BLOCK_NAMES]


def _token(name: str) -> str:
    # Letters and digits only: Markdown leaves them alone and nh3 keeps them.
    return f"PMBLOCK{BLOCK_NAMES.index(name)}X7Q"


def render_body(body: str, blocks: Mapping[str, str]) -> Markup:
    """Sanitised HTML of one section body with its markers replaced."""

    def placeholder(match: re.Match) -> str:
        name = match.group(1)
        return _token(name) if name in blocks else match.group(0)

    html = render_markdown(MARKER_RE.sub(placeholder, body or ""))
    for name, block in blocks.items():
        token = _token(name)
        # A marker on a line of its own becomes the block, not a paragraph
        # holding it (a <table> inside a <p> is not valid HTML).
        html = html.replace(f"<p>{token}</p>", block).replace(token, block)
    return Markup(html)  # noqa: S704  (nh3-clean Markdown + escaped blocks)


def used_blocks(pm: Postmortem) -> list[str]:
    return [name for section in pm.sections for name in markers(section.body)
            if name in BLOCK_NAMES]


def blocks_for(pm: Postmortem) -> dict[str, str]:
    """The frozen blocks of an approved document, the live ones otherwise."""
    if pm.is_frozen and pm.snapshot:
        return dict(pm.snapshot.get("blocks", {}))
    return live(pm.incident, used_blocks(pm))


def document_sections(pm: Postmortem) -> list[RenderedSection]:
    """(key, title, html) for every section of the document, in order."""
    blocks = blocks_for(pm)
    return [RenderedSection(s.key, s.title, render_body(s.body, blocks))
            for s in pm.sections]


def preview(pm: Postmortem, bodies: Mapping[str, str]) -> list[RenderedSection]:
    """The document as it would read with `bodies` ({key: Markdown}) in place
    of the stored ones, with live blocks: what the preview button shows."""
    texts = {s.key: bodies.get(s.key, s.body) for s in pm.sections}
    names = [n for text in texts.values() for n in markers(text) if n in BLOCK_NAMES]
    blocks = (dict(pm.snapshot.get("blocks", {})) if pm.is_frozen and pm.snapshot
              else live(pm.incident, names))
    return [RenderedSection(s.key, s.title, render_body(texts[s.key], blocks))
            for s in pm.sections]
