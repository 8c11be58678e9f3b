"""The readiness check lists what is missing before approval."""

from datetime import timedelta

from postmortem.domain.postmortem import readiness
from tests import factories


def names(pm) -> dict[str, list[str]]:
    return {c.name: c.problems for c in readiness.check(pm)}


def test_new_document_lists_every_unwritten_section(pm):
    problems = names(pm)["sections"]
    assert "“Root causes” is not written yet" in problems
    # Markers and the template's headings alone are not writing.
    assert "“Lessons learned” is not written yet" in problems
    assert "“Timeline” is not written yet" in problems


def test_headings_and_markers_are_not_prose():
    assert not readiness.is_written("### What went well\n\n{{ timeline }}\n")
    assert not readiness.is_written("Title\n=====\n")
    assert readiness.is_written("### What went well\n\n- The banner.")


def test_milestones_out_of_order(pm, outage):
    outage.acknowledged_at = outage.detected_at - timedelta(minutes=1)
    problems = names(pm)["milestones"]
    assert problems == ["acknowledged (2026-11-16 09:02 UTC) is before detected "
                        "(2026-11-16 09:03 UTC)"]


def test_scope_and_resolution(author):
    incident = factories.incident(author)
    from postmortem.domain.postmortem import documents

    pm = documents.start(incident, author)
    got = names(pm)
    assert got["scope"] == ["no affected components", "no regions", "no platforms",
                            "no customer tiers",
                            "no measure of how many users were affected (users "
                            "affected, % of users or peak user reports)"]
    assert got["resolved"] == ["the incident is still investigating"]
