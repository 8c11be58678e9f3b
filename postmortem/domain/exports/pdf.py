"""The post-mortem as PDF, through WeasyPrint: tagged PDF/UA-1 by default,
PDF/A-3b (still tagged) with the JSON export attached on request."""

from typing import Any

import weasyprint

from postmortem.domain.exports import json as json_export
from postmortem.domain.exports import present
from postmortem.domain.exports.document import Document

VARIANTS = ("pdf/ua-1", "pdf/a-3b")
DEFAULT_VARIANT = "pdf/ua-1"


def options(document: Document, variant: str = DEFAULT_VARIANT) -> dict[str, Any]:
    """The WeasyPrint options for `document`, shared with the benchmark so it
    compares like with like."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of: {', '.join(VARIANTS)}")
    # A fixed identifier (the content digest) instead of a random one: the
    # same content gives the same bytes, which approval relies on.
    opts: dict[str, Any] = {
        "pdf_variant": variant, "pdf_tags": True, "custom_metadata": True,
        "pdf_identifier": document.content_sha256()[:32].encode(),
    }
    if variant == "pdf/a-3b":
        opts["attachments"] = [weasyprint.Attachment(
            string=json_export.export(document), name="postmortem.json",
            description="The post-mortem and its incident record as JSON",
            relationship="Data")]
    return opts


def render(html: str, opts: dict[str, Any]) -> bytes:
    """WeasyPrint alone: HTML in, PDF bytes out."""
    return weasyprint.HTML(string=html, base_url=None).write_pdf(**opts)


def export(document: Document, variant: str = DEFAULT_VARIANT) -> bytes:
    return render(present.render(document, "pdf"), options(document, variant))
