"""The demo incident's post-mortem: written in the default template, reviewed
and approved by someone other than its author."""

from postmortem.domain import demo
from postmortem.domain.postmortem import (
    documents,
    readiness,
    rendering,
    revisions,
    workflow,
)
from postmortem.extensions import db


def test_demo_postmortem_is_approved_and_complete():
    incident = demo.load(None)
    db.session.commit()
    pm = documents.get(incident)
    assert pm.state == "approved" and pm.template.name == "Google SRE"
    assert readiness.problems(pm) == {}
    authors = documents.authors(pm)
    assert [u.name for u in authors] == ["Morgan Reyes"]
    assert pm.approved_by.name == "Priya Natarajan"
    assert pm.approved_by not in authors
    decisions = [r.decision for r in reversed(workflow.reviews(pm))]
    assert decisions == ["changes_requested", "approve"]
    assert [r.kind for r in reversed(revisions.history(pm))] == [
        "start", "draft", "save", "save"]
    html = {key: text for key, _title, text in rendering.document_sections(pm)}
    assert "reconstruction" in html["root_causes"]
    assert html["summary"].startswith("<p>On Monday 16 November 2026 from 09:00 "
                                      "to 12:10 UTC (3 h 10 min)")
    assert "<svg" in html["impact"] and "4,210" in html["impact"]
    assert "Alert on cross-platform error rate" in html["action_items"]
    assert set(pm.snapshot["blocks"]) == {"timeline", "impact", "impact_chart",
                                          "metrics", "action_items"}


def test_loading_again_adds_a_missing_postmortem():
    incident = demo.load(None)
    db.session.delete(documents.get(incident))
    db.session.commit()
    steps = []
    demo.load(None, progress=steps.append)
    db.session.commit()
    assert documents.get(incident).state == "approved"
    assert steps[-1].endswith("its post-mortem was added")
