"""The demo incident: the Monday-morning outage of a large AI assistant service.

Built from the facts the two articles in the seeds report (user reports on an
outage tracker from 09:00 UTC, website, apps and API failing for free and paid
users in several regions, "we are aware…" on the status page, a "temporary
service disruption" banner, gradual recovery with residual latency, a full
post-mortem promised), through the same domain functions people use, so the
demo exercises what a real incident does. The articles name no root cause, so
neither does the demo: internal notes say what responders observed.
"""

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from postmortem.domain import (
    actions,
    components,
    events,
    impact,
    incident_list,
    incidents,
    updates,
)
from postmortem.domain.errors import NotFound
from postmortem.domain.postmortem import demo as postmortem_demo
from postmortem.domain.visibility import SYSTEM
from postmortem.extensions import db
from postmortem.models import Incident, User

TAG = "demo"
DAY = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday


def at(clock: str) -> datetime:
    """A time on the day of the demo outage: at("09:35") is 09:35 UTC."""
    hours, minutes = clock.split(":")
    return DAY + timedelta(hours=int(hours), minutes=int(minutes))


COMPONENTS = (
    # slug, name, group, position, description
    ("website", "Website", "Web", 1,
     "The assistant in the browser: chat, conversation history, settings."),
    ("conversations", "Conversation history", "Web", 2,
     "Loading and saving past conversations on every platform."),
    ("ios-app", "iOS app", "Apps", 1, "The iPhone and iPad app."),
    ("android-app", "Android app", "Apps", 2, "The Android app."),
    ("desktop-app", "Desktop app", "Apps", 3, "The macOS and Windows app."),
    ("api", "API", "Developer platform", 1,
     "The public API developers build their own applications on."),
)

SUMMARY = """\
On Monday 16 November 2026 from about 09:00 UTC the assistant was unavailable \
or failing for a large share of users. The website, the iOS, Android and \
desktop apps and the public API returned error messages and failed responses, \
and conversations did not load. Free and paid users in several regions were \
affected; developers using the API reported integration failures, which \
pointed to a problem shared by every platform rather than one interface.

User reports on a public outage tracker rose sharply from 09:00 UTC to a peak \
of several thousand. Engineers were engaged immediately. Service was restored \
gradually from late morning for an increasing percentage of users, with \
residual latency and intermittent errors for a while afterwards, and the \
incident was resolved at 12:10 UTC.

The cause is still under investigation; a full post-mortem analysis will be \
published in the coming days."""

INCIDENT = {
    "title": "Assistant unavailable: website, apps and API failing",
    "summary": SUMMARY,
    "severity": "SEV1",
    "impact": "critical",
    "detection_source": "outage_tracker",
    "is_public": True,
    "started_at": at("09:00"),
    "detected_at": at("09:06"),
    "components": [
        {"slug": "website", "status": "major_outage"},
        {"slug": "conversations", "status": "major_outage"},
        {"slug": "api", "status": "major_outage"},
        {"slug": "ios-app", "status": "partial_outage"},
        {"slug": "android-app", "status": "partial_outage"},
        {"slug": "desktop-app", "status": "partial_outage"},
    ],
    "regions": ["Europe", "North America", "Asia-Pacific"],
    "platforms": ["web", "ios", "android", "desktop", "api"],
    "customer_tiers": ["free", "paid", "api"],
    "peak_user_reports": 4210,
    "tags": [TAG, "outage-tracker"],
}

ALL_DOWN = {"website": "major_outage", "conversations": "major_outage",
            "api": "major_outage", "ios-app": "partial_outage",
            "android-app": "partial_outage", "desktop-app": "partial_outage"}
RECOVERING = dict.fromkeys(ALL_DOWN, "degraded_performance")
ALL_UP = dict.fromkeys(ALL_DOWN, "operational")

UPDATES = (
    ("09:14", "investigating", ALL_DOWN,
     "We are aware of issues affecting the service and are working urgently to "
     "resolve them. You may see error messages, failed responses or "
     "conversations that do not load on the website, the apps and the API. "
     "We apologise for the inconvenience."),
    ("09:58", "identified",
     {"ios-app": "major_outage", "android-app": "major_outage"},
     "We have identified the issue and are working to restore service. The "
     "website, the iOS, Android and desktop apps and the API remain affected for "
     "free and paid users. Next update within an hour."),
    ("11:20", "monitoring", RECOVERING,
     "Service is being restored for an increasing percentage of users. Some "
     "requests may still be slower than usual or fail intermittently while "
     "recovery completes. If a conversation does not load, please try again "
     "shortly."),
    ("12:10", "resolved", ALL_UP,
     "This incident has been resolved and the service is operating normally on "
     "every platform. We are sorry for the disruption. We will publish a full "
     "post-mortem analysis in the coming days."),
)

EVENTS = (
    ("09:06", "detection", True,
     "User reports on the outage tracker rise sharply: error messages, failed "
     "responses, conversations not loading. Most reports name the website and "
     "the API."),
    ("09:08", "alert", False,
     "Error-rate alert fires for the API, two minutes after the outage tracker "
     "spike; synthetic checks of the website fail from several regions."),
    ("09:09", "escalation", True,
     "SEV1 declared. On-call engineers engaged immediately; incident commander "
     "assigned and an incident channel opened."),
    ("09:14", "communication", True,
     "Status page: \"We are aware of issues affecting the service and are "
     "working urgently to resolve them.\""),
    ("09:17", "communication", True,
     "In-product banner switched on: \"The service is experiencing a temporary "
     "service disruption. We're working on it, please check back soon.\""),
    ("09:21", "note", False,
     "Reports come from free and paid users on the website, the iOS, Android "
     "and desktop apps and the API, across Europe, North America and "
     "Asia-Pacific. Developers report API integration failures too."),
    ("09:28", "communication", False,
     "Acknowledged on social media, pointing to the status page for updates."),
    ("09:35", "note", False,
     "Outage tracker peaks at about 4,200 reports per five minutes."),
    ("09:44", "action", False,
     "Responders observe failures on every platform at once, so the "
     "investigation focuses on systems the platforms share rather than on any "
     "one client. No cause confirmed yet."),
    ("09:52", "escalation", False,
     "Additional engineering teams paged to help the investigation."),
    ("10:12", "action", True,
     "Responders begin restoring service in stages, watching error rates "
     "after each step."),
    ("10:30", "recovery", False,
     "First regions report successful responses; conversations load again for "
     "some users."),
    ("11:05", "mitigation", True,
     "Service restored for an increasing percentage of users; error rate "
     "falling steadily."),
    ("11:40", "note", False,
     "Residual latency and intermittent errors remain for some users while "
     "traffic returns."),
    ("12:02", "recovery", True,
     "Error rate and latency back to their usual levels on every platform."),
    ("12:14", "communication", False,
     "In-product banner switched off; resolution posted on the status page."),
    ("12:40", "action", False,
     "Post-mortem owner assigned; a full analysis is promised \"in the coming "
     "days\"."),
)

ACTION_ITEMS = (
    {"title": "Publish the full post-mortem analysis", "kind": "process",
     "priority": "P1", "status": "done", "owner": "Incident commander",
     "due_date": date(2026, 11, 23), "completed_at": at("17:30"),
     "description": "Name the failure point, the timeline and the resilience "
                    "work to follow, as promised on the status page."},
    {"title": "Alert on cross-platform error rate before users report it",
     "kind": "detect", "priority": "P1", "status": "open", "owner": "Observability",
     "due_date": date(2026, 11, 20),
     "description": "The outage tracker showed the spike before internal "
                    "paging did; alert on the shared error rate of web, apps "
                    "and API.",
     "tracker_url": "https://tracker.example.com/OPS-2191"},
    {"title": "Find single points of failure shared by web, apps and API",
     "kind": "prevent", "priority": "P1", "status": "open", "owner": "Platform SRE",
     "due_date": date(2026, 12, 11),
     "description": "Every platform failed together; review the dependencies "
                    "they share and add redundancy where one failure can take "
                    "them all down.",
     "tracker_url": "https://tracker.example.com/OPS-2192"},
    {"title": "Automate staged traffic restoration", "kind": "mitigate",
     "priority": "P2", "status": "open", "owner": "Traffic team",
     "due_date": date(2026, 12, 4),
     "description": "Recovery reached users gradually over two hours; a "
                    "scripted, staged restore would shorten it."},
    {"title": "Show conversation history read-only when responses fail",
     "kind": "mitigate", "priority": "P3", "status": "open", "owner": "Web team",
     "due_date": date(2027, 1, 15)},
    {"title": "Pre-approve status page and in-product banner wording",
     "kind": "process", "priority": "P2", "status": "done",
     "owner": "Communications", "due_date": date(2026, 11, 19),
     "completed_at": at("16:00"),
     "description": "The first public message went out 14 minutes after the "
                    "spike began; ready-made wording makes it faster."},
)


def _wave(minute: float, period: float, size: float) -> float:
    """A small, repeatable wobble so the demo series look measured, not drawn."""
    return 1 + size * math.sin(minute / period)


def _sample_values(minute: int) -> dict[str, float]:
    """The four metrics `minute` minutes after 09:00 (negative: before)."""
    if minute < 0:
        return {"user_reports": 6 + minute % 4, "error_rate": 0.3, "latency_ms": 820}
    if minute <= 35:
        reports = 12 + 4198 * (minute / 35) ** 1.6
    else:
        reports = 4210 * math.exp(-(minute - 35) / 42) * _wave(minute, 7, 0.06) + 15
    onset = min(1.0, minute / 6)
    # Restoration starts at 10:10 and reaches everyone by 12:00.
    progress = min(1.0, max(0.0, (minute - 70) / 110))
    restored = progress * progress * (3 - 2 * progress)  # slow, faster, settling
    error_rate = 0.3 + 61 * (1 - restored) * onset
    if 130 <= minute < 185:  # the residual intermittent errors
        error_rate += 3 * _wave(minute, 3, 0.6)
    residual = 700 * restored * math.exp(-max(0, minute - 180) / 20)
    latency = 820 + 3400 * (1 - restored) * onset + residual
    return {"user_reports": round(reports), "error_rate": round(error_rate, 1),
            "percent_restored": round(100 * restored, 1),
            "latency_ms": round(latency * _wave(minute, 5, 0.03))}


def impact_samples() -> list[dict[str, Any]]:
    """Every five minutes from 08:40 to 13:30 UTC."""
    samples = []
    for minute in range(-20, 271, 5):
        moment = at("09:00") + timedelta(minutes=minute)
        samples += [{"at": moment, "metric": metric, "value": value}
                    for metric, value in _sample_values(minute).items()]
    return samples


def existing() -> Incident | None:
    """The demo incident first loaded: the oldest tagged `demo`. An import of
    its own export carries the tag too, and must not take its place."""
    query = incident_list.filter_query({"tag": TAG}, SYSTEM)
    return db.session.scalar(query.order_by(None).order_by(Incident.id).limit(1))


def _component(slug: str, name: str, group: str, position: int, description: str,
               actor: User | None) -> bool:
    """Create the component unless its slug exists; True if it was created."""
    try:
        components.by_slug(slug)
        return False
    except NotFound:
        components.create_component(
            {"slug": slug, "name": name, "group": group, "position": position,
             "description": description}, actor)
        return True


def load(actor: User | None,
         progress: Callable[[str], None] | None = None) -> Incident:
    """Create the demo incident (or return the one already loaded)."""
    say = progress or (lambda _step: None)
    found = existing()
    if found is not None:
        added = postmortem_demo.write(found, say, actor) is not None
        say(f"Demo incident already loaded (#{found.id}); "
            + ("its post-mortem was added" if added else "nothing to do"))
        return found
    created = sum(_component(*row, actor=actor) for row in COMPONENTS)
    say(f"Components: {created} created, {len(COMPONENTS) - created} reused")
    incident = incidents.declare(INCIDENT, actor)
    # "Declared" on the incident page: when the SEV1 was declared that day
    # (the 09:09 escalation event), not when the demo was seeded.
    incident.created_at = at("09:09")
    say(f"Declared incident #{incident.id}: {incident.title}")
    for clock, status, statuses, message in UPDATES:
        updates.post(incident, {"status": status, "message": message,
                                "posted_at": at(clock),
                                "component_statuses": statuses}, actor)
    say(f"Status updates: {len(UPDATES)}")
    for clock, kind, key, text in EVENTS:
        events.add(incident, {"occurred_at": at(clock), "kind": kind, "key": key,
                              "text": text}, actor)
    say(f"Timeline events: {len(EVENTS)}")
    samples = impact.record(incident, impact_samples(), actor)
    say(f"Impact samples: {len(samples)}")
    for item in ACTION_ITEMS:
        done = item.get("completed_at")
        created = actions.create(
            incident, {k: v for k, v in item.items() if k != "completed_at"}, actor)
        if done is not None:
            # Completed on the demo day, not whenever the demo is seeded.
            created.completed_at = done
    say(f"Action items: {len(ACTION_ITEMS)}")
    postmortem_demo.write(incident, say, actor)
    return incident

