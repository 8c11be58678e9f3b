"""The post-mortem as one self-contained HTML file: inline CSS and SVG, no
script, nothing fetched from anywhere, printable as it is."""

from postmortem.domain.exports import present
from postmortem.domain.exports.document import Document


def export(document: Document) -> bytes:
    return present.render(document, "html").encode("utf-8")
