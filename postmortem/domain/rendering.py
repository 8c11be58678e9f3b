"""Markdown to safe HTML: rendered first, then sanitised by nh3."""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"},
                      "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> str:
    """HTML for a Markdown body; scripts, styles and handlers never survive."""
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code",
                                                      "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
