"""A realistic outage and a fully written post-mortem, shared by the
domain, web and API tests of post-mortems."""

from datetime import date

from postmortem.domain import actions, events, impact, updates
from postmortem.domain.postmortem import documents
from postmortem.domain.postmortem.draft import proposals
from postmortem.extensions import db
from tests import factories
from tests.factories import at

PROSE = "Written by a person."


def build_outage(author):
    """Website and API down 09:00-11:40 UTC for free and paid users."""
    factories.component("Website", slug="website")
    factories.component("API", slug="api")
    incident = factories.incident(
        author, title="Website and API down", severity="SEV1", impact="major",
        started_at=at(0), detected_at=at(3), detection_source="outage_tracker",
        components=[{"slug": "website", "status": "major_outage"},
                    {"slug": "api", "status": "partial_outage"}],
        regions=["all regions"], customer_tiers=["free", "paid"],
        platforms=["web", "api"],
        percent_users_affected=68, peak_user_reports=4200, users_affected=1_200_000)
    updates.post(incident, {"status": "investigating", "message": "We are aware.",
                            "posted_at": at(10)}, author)
    updates.post(incident, {"status": "monitoring", "message": "Recovering.",
                            "posted_at": at(100),
                            "component_statuses": {"website": "degraded_performance",
                                                   "api": "degraded_performance"}},
                 author)
    updates.post(incident, {"status": "resolved", "message": "Fixed.",
                            "posted_at": at(160),
                            "component_statuses": {"website": "operational",
                                                   "api": "operational"}}, author)
    events.add(incident, {"occurred_at": at(3), "kind": "detection", "key": True,
                          "text": "Outage tracker spike"}, author)
    events.add(incident, {"occurred_at": at(20), "kind": "note", "key": False,
                          "text": "Unstarred chatter"}, author)
    impact.record(incident, [{"at": at(m), "metric": "user_reports", "value": v}
                             for m, v in ((0, 10), (30, 4200), (120, 50))], author)
    actions.create(incident, {"title": "Alert on shared error rate", "owner": "Obs",
                              "kind": "detect", "priority": "P1",
                              "due_date": date(2026, 11, 30)}, author)
    db.session.commit()
    return incident


def write_everything(pm, author):
    """Give every section prose, so the document passes readiness."""
    bodies = proposals(pm)
    sections = [{"key": s.key, "body": bodies.get(s.key, s.body) + "\n\n" + PROSE}
                for s in pm.sections]
    documents.save_sections(pm, {"version": pm.version, "sections": sections},
                            author)
    db.session.commit()
