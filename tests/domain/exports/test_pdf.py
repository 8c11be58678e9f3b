"""The PDF export, checked the way a reader's tools see it (poppler-utils)."""

import json
import re

import pytest

from postmortem.domain.exports import pdf
from tests.domain.exports.conftest import poppler
from tests.domain.exports.samples import LONG_URL, at, document


@pytest.fixture(scope="module")
def long_doc():
    return document(rows=70, items=40, state="approved", approved_at=at(400),
                    pdf_sha256="ab" * 32)


@pytest.fixture(scope="module")
def long_pdf(app, long_doc):
    with app.app_context():
        return pdf.export(long_doc)


def test_metadata_tagging_and_embedded_fonts(long_pdf, tmp_path):
    info = poppler("pdfinfo", long_pdf, tmp_path)
    assert re.search(r"^Title:\s+Monday outage of chat, API and apps$", info, re.M)
    assert re.search(r"^Author:\s+Ada Lovelace$", info, re.M)
    assert re.search(r"^Subject:\s+Post-mortem of incident #42 \(SEV1", info, re.M)
    assert re.search(r"^CreationDate:\s+Mon Nov 16 14:00:00 2026", info, re.M)
    assert re.search(r"^ModDate:\s+Mon Nov 16 15:40:00 2026", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"pdfuaid:part.{0,3}1",
                     poppler("pdfinfo", long_pdf, tmp_path, "-meta"))
    fonts = poppler("pdffonts", long_pdf, tmp_path).splitlines()[2:]
    assert fonts, "no fonts listed"
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column


def test_cover_toc_page_numbers_and_running_header(long_pdf, long_doc, tmp_path):
    text = poppler("pdftotext", long_pdf, tmp_path, "-layout")
    pages = text.split("\f")[:-1]
    total = len(pages)
    assert total >= 5
    cover = " ".join(pages[0].split())
    for expected in ("Incident #42", "SEV1", "Critical", "Approved", "Ada Lovelace",
                     "Grace Hopper"):
        assert expected in cover
    assert "ab" * 32 in cover.replace(" ", "")
    assert long_doc.content_sha256() in cover.replace(" ", "")
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
    for page in pages[1:]:
        assert "Monday outage of chat, API and apps" in page.splitlines()[0]
    # The contents list each section with the page it starts on.
    toc = dict(re.findall(r"^(\S[\w :]+?)\s*\.{3,}\s*(\d+)$", pages[1], re.M))
    assert set(toc) >= {"Summary", "Timeline", "Action items",
                        "Appendix C: Full timeline"}
    for title, page in toc.items():
        assert title in pages[int(page) - 1]


def test_tables_repeat_headers_and_keep_every_row(long_pdf, tmp_path):
    text = poppler("pdftotext", long_pdf, tmp_path)
    pages = text.split("\f")
    timeline_pages = [p for p in pages if "Step 8" in p or "Step 68" in p
                      or "Step 50" in p]
    assert len(timeline_pages) >= 2
    assert all("Time (UTC)" in p for p in timeline_pages[1:])
    for i in range(70):
        assert f"Step {i}:" in text
    # Long URLs wrap rather than run off the page: every character is there.
    flat = re.sub(r"\s+", "", text)
    assert "very-long-path-segment-" * 3 in flat
    assert LONG_URL not in text.split("\n")


def test_no_text_outside_the_page_margins(long_pdf, tmp_path):
    poppler("pdftotext", long_pdf, tmp_path, "-bbox")
    boxes = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"',
                       (tmp_path / "out.txt").read_text())
    assert len(boxes) > 1000
    # A4 is 595 pt wide; the margins are 18 mm (51 pt) on either side.
    assert min(float(x) for x, _ in boxes) >= 50
    assert max(float(x) for _, x in boxes) <= 595.3 - 50


def test_same_document_same_bytes(app, long_doc, long_pdf):
    assert pdf.export(long_doc) == long_pdf


def test_pdf_a3b_attaches_the_json(app, tmp_path):
    sample = document(rows=3, items=1)
    content = pdf.export(sample, "pdf/a-3b")
    info = poppler("pdfinfo", content, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    xmp = poppler("pdfinfo", content, tmp_path, "-meta")
    assert re.search(r"pdfaid:part.{0,3}3", xmp) and "pdfaid:conformance" in xmp
    assert "postmortem.json" in poppler("pdfdetach", content, tmp_path, "-list")
    attached = tmp_path / "attached.json"
    poppler("pdfdetach", content, tmp_path, "-save", "1", "-o", str(attached))
    assert json.loads(attached.read_text()) == sample.to_dict()


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError):
        pdf.options(document(rows=1, items=0), "pdf/x-99")
