"""Markdown to safe HTML: rendered by cmark-gfm, then sanitised by nh3.

cmark-gfm (GitHub's CommonMark parser, in C) parses in linear time whatever
the input: runs of `[`, `![`, emphasis markers or backticks that held a worker
for minutes under a backtracking parser cost milliseconds here. What stays
costly is depth: the HTML tree builder behind nh3 spends time in proportion
to the number of open elements for every element it adds, so ten thousand
nested quotes take seconds and a megabyte of them hours. Depth is therefore
measured on the parser's output before sanitising: too deep a text is refused
by `markdown_problem` (forms and the API say so) and, should one arrive some
other way (an import, SQL, an older version), `render_markdown` shows it as
plain escaped text instead. Nothing here raises.
"""

import re
from html import escape

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"},
                      "td": {"align"}, "th": {"align"}}
EXTENSIONS = ["table", "strikethrough", "autolink"]
# Raw HTML reaches nh3, which is the one place that decides what survives (so
# <sup>, <abbr> and <br> written by hand keep working).
OPTIONS = Options.CMARK_OPT_UNSAFE
# Elements inside each other. Ten levels of nested lists with emphasis and a
# link inside are about 25; a hundred keeps nh3 under a few milliseconds.
MAX_DEPTH = 100
DEPTH_PROBLEM = (f"is nested too deeply: more than {MAX_DEPTH} lists, quotes or "
                 "HTML tags inside each other")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
# A tag as HTML tokenises it: quoted attribute values may hold `>` or `</b>`.
TAG_RE = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[^<>"']|"[^"]*"|'[^']*')*>""")
# Comments hide tags from the tree builder; an unclosed one runs to the end.
COMMENT_RE = re.compile(r"<!--(?:.*?-->|.*\Z)", re.DOTALL)


def _cmark(text: str) -> str:
    # Lone surrogates cannot be encoded for the C parser: show them as U+FFFD.
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    return cmarkgfm.markdown_to_html_with_extensions(text, options=OPTIONS,
                                                     extensions=EXTENSIONS)


def nesting_depth(html: str) -> int:
    """The deepest stack of open elements in `html`, counted generously.

    A closing tag counts only when it closes the innermost open element, so
    stray or disguised closing tags can never make the count smaller than
    what the tree builder will hold open.
    """
    stack: list[str] = []
    deepest = 0
    for match in TAG_RE.finditer(COMMENT_RE.sub("", html)):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            if stack and stack[-1] == name:
                stack.pop()
        elif name not in VOID:
            stack.append(name)
            deepest = max(deepest, len(stack))
    return deepest


def markdown_problem(text: str) -> str | None:
    """Why `text` cannot be rendered as Markdown, or None when it can."""
    if nesting_depth(_cmark(text)) > MAX_DEPTH:
        return DEPTH_PROBLEM
    return None


def plain_html(text: str) -> str:
    """`text` as escaped paragraphs, for what cannot be rendered as Markdown."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "\n".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>"
                     for p in paragraphs if p)


def render_markdown(text: str) -> str:
    """HTML for a Markdown body; scripts, styles and handlers never survive."""
    try:
        html = _cmark(text)
        if nesting_depth(html) > MAX_DEPTH:
            return plain_html(text)
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        ).strip()
    except Exception:  # noqa: BLE001  (a page must show even if a parser breaks)
        return plain_html(text)
