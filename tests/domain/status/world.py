"""A small public world for the status page tests: components, a public
incident in progress, a resolved one, a private one, internal events and a
maintenance window. Secrets are strings that must never reach the public."""

from dataclasses import dataclass
from datetime import timedelta

from postmortem.domain import events, updates
from postmortem.domain.status import maintenance
from postmortem.extensions import db
from postmortem.models.types import utcnow
from tests import factories

SECRET_TITLE = "Secret-title-Q7Z"
SECRET_UPDATE = "Secret-update-K4W"
SECRET_EVENT = "Internal-event-P9X"


@dataclass
class World:
    api: object
    website: object
    active: object
    resolved: object
    private: object
    window: object


def post(incident, actor, status, message, when, statuses=None):
    update = updates.post(incident, {"status": status, "message": message,
                                     "posted_at": when,
                                     "component_statuses": statuses or {}}, actor)
    db.session.commit()
    return update


def build(actor) -> World:
    now = utcnow().replace(microsecond=0)
    api = factories.component("API", slug="api", group="Platform", position=1)
    website = factories.component("Website", slug="website", position=0)
    factories.component("Docs", slug="docs", group="Platform", position=2)
    active = factories.incident(actor, title="API errors for some users",
                                impact="major", started_at=now - timedelta(hours=2),
                                detected_at=now - timedelta(hours=2),
                                components=[{"slug": "api",
                                             "status": "partial_outage"}])
    post(active, actor, "investigating", "We are aware of **errors**.",
         now - timedelta(minutes=90))
    post(active, actor, "identified", "Cause found; fix rolling out.",
         now - timedelta(minutes=30), {"api": "major_outage"})
    events.add(active, {"kind": "note", "text": SECRET_EVENT,
                        "occurred_at": now - timedelta(minutes=40)}, actor)
    db.session.commit()

    resolved = factories.incident(actor, title="Website slow", impact="minor",
                                  started_at=now - timedelta(days=3),
                                  detected_at=now - timedelta(days=3),
                                  components=[{"slug": "website",
                                               "status": "degraded_performance"}])
    post(resolved, actor, "resolved", "All good again.",
         now - timedelta(days=3) + timedelta(hours=1), {"website": "operational"})

    private = factories.incident(actor, title=SECRET_TITLE, impact="critical",
                                 is_public=False, started_at=now - timedelta(hours=1),
                                 detected_at=now - timedelta(hours=1),
                                 components=[{"slug": "website",
                                              "status": "major_outage"}])
    post(private, actor, "identified", SECRET_UPDATE, now - timedelta(minutes=20),
         {"website": "major_outage"})

    window = maintenance.schedule({
        "title": "Database upgrade", "components": ["api"],
        "scheduled_for": now + timedelta(days=1),
        "scheduled_until": now + timedelta(days=1, hours=2),
        "message": "Writes pause for a few minutes."}, actor)
    db.session.commit()
    return World(api, website, active, resolved, private, window)
