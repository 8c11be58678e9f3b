"""Draft from incident: plain sentences, every number from the record."""

from postmortem.domain import incidents
from postmortem.domain.postmortem import draft
from postmortem.extensions import db


def test_summary_sentence(outage):
    assert draft.summary(outage) == (
        "On Monday 16 November 2026 from 09:00 to 11:40 UTC (2 h 40 min), "
        "Website had a major outage; API a partial outage. It affected free and "
        "paid users in all regions; about 1,200,000 users (68%) were affected "
        "and outage trackers peaked at 4,200 reports.")


def test_summary_like_the_issue_example(outage, author):
    incidents.update(outage, {"version": outage.version, "users_affected": None},
                     author)
    db.session.commit()
    assert draft.summary(outage).endswith(
        "in all regions; about 68% of users were affected and outage trackers "
        "peaked at 4,200 reports.")


def test_detection_and_resolution(outage):
    assert draft.detection(outage) == (
        "The incident was detected 3 min after impact began, from outage-tracker "
        "reports. It was acknowledged at 2026-11-16 09:10 UTC, 10 min after impact "
        "began.")
    assert draft.resolution(outage) == (
        "Impact was mitigated at 2026-11-16 10:40 UTC, 1 h 40 min after it began. "
        "The incident was resolved at 2026-11-16 11:40 UTC, 2 h 40 min after "
        "impact began.")


def test_impact_lists_worst_status_per_component(outage):
    text = draft.impact(outage)
    assert "- Website reached major outage from 2026-11-16 09:00 UTC to " \
           "2026-11-16 11:40 UTC (2 h 40 min)." in text
    assert "- API reached partial outage" in text
    assert text.startswith("It affected free and paid users in all regions on "
                           "web and API.")


def test_fill_only_empty_sections_and_deterministic(pm, author):
    summary = pm.section("summary")
    summary.body = "Our own words."
    db.session.commit()
    first = draft.proposals(pm)
    assert first == draft.proposals(pm)
    assert "summary" not in first
    assert first["impact"].endswith("{{ impact }}\n\n{{ impact_chart }}")
    revision = draft.fill(pm, {"version": pm.version}, author)
    db.session.commit()
    assert revision.kind == "draft"
    assert pm.section("summary").body == "Our own words."
    assert pm.section("detection").body.startswith("The incident was detected")
    # Everything drafted has prose now: a second run changes nothing.
    assert draft.fill(pm, {"version": pm.version}, author) is None


def test_unresolved_incident(author):
    from tests import factories

    incident = factories.incident(author, impact="minor")
    assert draft.summary(incident).startswith(
        "Since Monday 16 November 2026 at 09:00 UTC (still ongoing), the service "
        "had a minor disruption")


def test_demo_summary_names_each_components_worst_status():
    """Each component with the worst status it reached, labels as people
    write them (not "had a critical outage" for all, not "ios" or "api")."""
    from postmortem.domain import demo

    incident = demo.load(None)
    db.session.commit()
    text = draft.summary(incident)
    assert text == (
        "On Monday 16 November 2026 from 09:00 to 12:10 UTC (3 h 10 min), "
        "Website, Conversation history, iOS app, Android app and API had a major "
        "outage; Desktop app a partial outage. It affected free, paid and API "
        "users in Europe, North America and Asia-Pacific; outage trackers peaked "
        "at 4,210 reports.")
    assert "critical" not in text
    assert "on web, iOS, Android, desktop and API." in draft.impact(incident)
