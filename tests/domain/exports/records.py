"""A stored incident with its whole record and a written post-mortem, built
through the domain as real use does."""

from datetime import date

from postmortem.domain import actions, events, impact, updates
from postmortem.domain.postmortem import documents
from postmortem.extensions import db
from tests import factories
from tests.factories import at

BODIES = {
    "summary": "On Monday 16 November 2026 the **website and API** were down.",
    "root_causes": "A configuration push overloaded the session store.\n\n"
                   "| Layer | Cause |\n| --- | --- |\n| cache | evictions |",
    "trigger": "Deploy `cfg-1234` at 08:58 UTC.",
    "resolution": "Rolled back; caches warmed.",
    "detection": "Outage trackers, 3 min after impact began.",
    "lessons_learned": "### What went well\n\n- Fast rollback\n\n"
                       "### What went wrong\n\n- No canary\n\n"
                       "### Where we got lucky\n\n- Low traffic region",
}


def outage(author, rows: int = 4, items: int = 2, **overrides):
    """Website and API down 09:00-11:40 UTC, `rows` starred events and
    `items` action items."""
    factories.component("Website", slug="website")
    factories.component("API", slug="api")
    incident = factories.incident(
        author, **({
            "title": "Website and API down", "severity": "SEV1", "impact": "major",
            "started_at": at(0), "detected_at": at(3),
            "detection_source": "outage_tracker",
            "summary": "Users saw *temporary service disruption*.",
            "components": [{"slug": "website", "status": "major_outage"},
                           {"slug": "api", "status": "partial_outage"}],
            "regions": ["eu-west", "us-east"], "platforms": ["web"],
            "customer_tiers": ["free", "paid"], "tags": ["cache"],
            "percent_users_affected": 68, "peak_user_reports": 4200,
            "users_affected": 1_200_000} | overrides))
    updates.post(incident, {"status": "investigating", "message": "We are aware.",
                            "posted_at": at(10)}, author)
    updates.post(incident, {"status": "monitoring", "message": "Recovering.",
                            "posted_at": at(100),
                            "component_statuses": {"website": "degraded_performance",
                                                   "api": "degraded_performance"}},
                 author)
    updates.post(incident, {"status": "resolved", "message": "Fixed.\n\nFor real.",
                            "posted_at": at(160),
                            "component_statuses": {"website": "operational",
                                                   "api": "operational"}}, author)
    for i in range(rows):
        events.add(incident, {"occurred_at": at(3 + i * 150 / max(rows, 1)),
                              "kind": "action" if i else "detection", "key": True,
                              "text": f"Step {i}: checked the "
                                      f"[dashboard](https://grafana.example.com/d/{i})"},
                   author)
    events.add(incident, {"occurred_at": at(20), "kind": "note", "key": False,
                          "text": "Unstarred chatter"}, author)
    impact.record(incident, [{"at": at(m), "metric": "user_reports", "value": v}
                             for m, v in ((0, 10), (30, 4200), (120, 50))], author)
    for i in range(items):
        actions.create(incident, {
            "title": f"Action {i}: alert on shared error rate", "owner": "Obs team",
            "kind": "detect", "priority": "P1", "due_date": date(2026, 12, 1 + i % 28),
            "tracker_url": f"https://tracker.example.com/OPS-{i}",
            "status": "done" if i == 0 else "open"}, author)
    db.session.commit()
    return incident


def written(incident, author):
    """The incident's post-mortem from the default template, written."""
    pm = documents.start(incident, author)
    db.session.flush()
    bodies = [{"key": s.key, "body": BODIES.get(s.key, s.body) if not s.body
               else s.body + "\n\nMore words."} for s in pm.sections]
    documents.save_sections(pm, {"version": pm.version, "sections": bodies}, author)
    db.session.commit()
    return pm
