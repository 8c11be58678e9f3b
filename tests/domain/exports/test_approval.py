"""On approval the PDF is stored with its SHA-256 and served ever after."""

import dataclasses
import hashlib

from postmortem.domain import events
from postmortem.domain.exports import builder, pdf, service
from postmortem.domain.postmortem import workflow
from postmortem.extensions import db
from tests import factories
from tests.domain.exports.conftest import poppler
from tests.factories import at


def test_approved_pdf_is_stored_and_reexported_byte_for_byte(
        written_pm, author, tmp_path):
    reviewer = factories.user("responder", name="Rex Reviewer")
    workflow.move(written_pm, "in_review", author)
    workflow.move(written_pm, "approved", reviewer, comment="Clear")
    db.session.commit()
    stored = written_pm.approved_pdf
    assert stored.startswith(b"%PDF-")
    assert written_pm.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    cover = " ".join(poppler("pdftotext", stored, tmp_path).split("\f")[0].split())
    assert "Approved" in cover and "Rex Reviewer" in cover and "Ada Author" in cover
    # Rendering is deterministic: the same document gives the same bytes.
    frozen = builder.build(written_pm)
    assert pdf.export(dataclasses.replace(frozen, pdf_sha256=None)) == stored
    # Whatever happens to the incident later, the approved PDF is the same.
    events.add(written_pm.incident, {"occurred_at": at(50), "kind": "note",
                                     "key": True, "text": "Added after approval"},
               author)
    db.session.commit()
    assert service.export(written_pm, "pdf") == stored
    # The sections keep the blocks frozen on approval.
    later = builder.build(written_pm)
    assert "Added after approval" not in "".join(s.html for s in later.sections)


def test_back_to_draft_drops_the_stored_pdf(written_pm, author):
    reviewer = factories.user("responder", name="Rex Reviewer")
    workflow.move(written_pm, "in_review", author)
    workflow.move(written_pm, "approved", reviewer)
    workflow.move(written_pm, "draft", author, reason="Missed a cause")
    db.session.commit()
    assert written_pm.approved_pdf is None and written_pm.pdf_sha256 is None
    assert service.export(written_pm, "pdf").startswith(b"%PDF-")
