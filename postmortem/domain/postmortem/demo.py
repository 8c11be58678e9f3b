"""The demo incident's post-mortem: the "full post-mortem analysis" the seed
articles promise, written in the default template, reviewed and approved.

The articles name no root cause, so the failure point here is a plausible
reconstruction, labelled as such in the document, that fits the demo's
timeline: every platform failing at once (a shared dependency), "identified"
at 09:58, a staged restoration from 10:12, recovery "for an increasing
percentage of users" and residual latency until about 12:00. The sentences
with figures come from "Draft from incident", so they match the record.
"""

import secrets
from collections.abc import Callable

from postmortem.domain import accounts
from postmortem.domain.postmortem import documents, draft, workflow
from postmortem.domain.postmortem.rendering import markers
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem, User

AUTHOR = {"email": "pm-author@example.com", "name": "Morgan Reyes",
          "role": "responder"}
REVIEWER = {"email": "pm-reviewer@example.com", "name": "Priya Natarajan",
            "role": "responder"}

NOTE = ("*About this analysis: the public reports of this outage name no root "
        "cause. The failure point below is a reconstruction, consistent with "
        "the incident's timeline, written to show what a finished post-mortem "
        "looks like in this tool.*")

SUMMARY = """\
Every platform failed at the same moment because they share one dependency: \
the session service that validates every request from the website, the apps \
and the API. A configuration change rolled out to all regions at once lowered \
the number of database connections each session-service instance may hold. \
Under Monday-morning traffic the service ran out of connections, requests \
queued and timed out, and client retries kept it saturated. Reverting the \
change was not enough on its own; service came back once traffic was \
readmitted in stages, region by region."""

IMPACT = """\
Users saw error messages, failed responses and conversations that would not \
load, on the website, in the iOS, Android and desktop apps, and through the \
API, where developers reported failing integrations. Paid and free users were \
affected alike. Recovery was gradual: the first regions were answering again \
at 10:30 UTC, most users by 11:05 UTC, and some requests stayed slow or failed \
intermittently until about 12:00 UTC while caches warmed up."""

ROOT_CAUSES = f"""\
{NOTE}

1. **One shared point of failure.** Each request from every client is \
authorised by the session service before it reaches anything else. It runs \
in every region, but all instances share one configuration and one rollout, \
so a bad setting reaches all of them together.
2. **A connection limit set too low for peak traffic.** The change cut each \
instance's pool of connections to the session database by more than half. It \
was sized on weekend traffic, when it was tested; Monday morning, with Europe \
at work and Asia-Pacific in its afternoon, needs several times more.
3. **Retries amplified the failure.** The web client, the apps and many API \
integrations retry failed requests immediately. Once requests began to time \
out, retries multiplied the load on the session service, so it stayed \
saturated even after the limit was restored.
4. **Configuration is not rolled out like code.** Code changes go to one \
region first and are watched before going further; configuration changes go \
everywhere at once. A staged rollout would have limited the outage to one \
region for a few minutes."""

TRIGGER = """\
A routine configuration change to the session service's database connection \
pool, rolled out to all regions in the minutes before 09:00 UTC on Monday \
16 November 2026, just as weekday traffic was climbing."""

RESOLUTION = """\
Responders saw failures on every platform at once and turned to the systems \
the platforms share (09:44 UTC). Matching the start of the errors with the \
change log pointed to the session-service change, and the cause was \
identified at 09:58 UTC. The change was reverted, but the service, still \
flooded by retries, could not recover by itself. From 10:12 UTC responders \
readmitted traffic in stages, region by region and with client rate limits, \
watching error rates after each step. The first regions recovered at \
10:30 UTC, most users by 11:05 UTC, and error rate and latency were back to \
their usual levels at 12:02 UTC."""

DETECTION = """\
Users noticed first: the outage tracker showed the spike at 09:06 UTC, two \
minutes before our own error-rate alert fired for the API at 09:08 UTC. Our \
alerts watch each platform separately and page only above a high threshold, \
so a failure of all platforms together was not recognised as one event any \
sooner. The status page acknowledged the incident at 09:14 UTC and the \
in-product banner went up at 09:17 UTC."""

ACTION_ITEMS = """\
The prevent item covers the root cause: it includes rolling configuration \
changes out region by region, as code already is, and sizing connection \
limits on peak rather than average traffic. The two mitigate items shorten \
the recovery, which took most of the time here."""

LESSONS = """\
### What went well

- Responders were engaged within minutes and a SEV1 was declared at 09:09 UTC.
- The first public message (09:14 UTC) and the in-product banner (09:17 UTC) \
told users what was happening before most of them gave up.
- The staged restoration worked: each step was watched, and no region failed \
again once readmitted.

### What went wrong

- A configuration change reached every region at once, with nothing to stop it.
- Our alerts fired after the outage tracker did; users told us before our \
monitoring did.
- Immediate client retries turned a capacity problem into a prolonged \
overload, and reverting the change was not enough to recover.

### Where we got lucky

- The change log made the cause easy to spot; a change made outside it would \
have taken far longer to find.
- The session database itself was not damaged: no session or conversation \
data was lost, only unavailable."""

TIMELINE = """\
The status page updates are quoted in full on the incident page."""

SUPPORTING = f"""\
{NOTE}

- The incident page holds the full timeline, the status updates and the \
impact samples (user reports, error rate, users restored, latency) behind \
the chart above.
- The public status page and the in-product banner texts are recorded as \
communication events."""

CHANGES_REQUESTED = ("Name the trigger precisely: which change, rolled out "
                     "when, and why it was not staged.")
APPROVAL = "Clear analysis; the action items cover the root cause. Approved."


def _user(data: dict[str, str], actor: User | None) -> User:
    """The demo's post-mortem author or reviewer; made once. They never need
    to sign in, so their password is random and not shown."""
    user = accounts.user_by_email(data["email"])
    if user is None:
        user = accounts.create_user(
            data | {"password": secrets.token_urlsafe(24)}, actor)
    return user


def _save(pm: Postmortem, author: User, bodies: dict[str, str]) -> None:
    documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": key, "body": body} for key, body in bodies.items()]}, author)


def _bodies(pm: Postmortem) -> dict[str, str]:
    """The written document: the drafted sentences, then the analysis, then
    the template's generated-block markers."""
    incident = pm.incident
    blocks = {s.key: "\n\n".join("{{ " + name + " }}" for name in markers(s.body))
              for s in pm.sections}
    own = {
        "summary": (draft.summary(incident), SUMMARY),
        # The scope sentence only: the {{ impact }} table lists the components.
        "impact": (IMPACT, draft.impact(incident).split("\n\n")[0]),
        "root_causes": (ROOT_CAUSES,),
        "trigger": (TRIGGER,),
        "resolution": (RESOLUTION, draft.resolution(incident)),
        "detection": (draft.detection(incident), DETECTION),
        "action_items": (draft.action_items(incident), ACTION_ITEMS),
        "lessons_learned": (LESSONS,),
        "timeline": (draft.timeline(incident), TIMELINE),
        "supporting_information": (SUPPORTING,),
    }
    out = {}
    for key, parts in own.items():
        out[key] = "\n\n".join(p for p in (*parts, blocks.get(key, "")) if p)
    return out


def write(incident: Incident, say: Callable[[str], None],
          actor: User | None = None) -> Postmortem | None:
    """Write, review and approve the demo incident's post-mortem, unless it
    already has one."""
    if documents.find(incident) is not None:
        return None
    author, reviewer = _user(AUTHOR, actor), _user(REVIEWER, actor)
    pm = documents.start(incident, author)
    draft.fill(pm, {"version": pm.version}, author)
    bodies = _bodies(pm)
    first = dict(bodies, trigger="A configuration change to the session service.")
    _save(pm, author, first)
    workflow.add_reviewer(pm, reviewer.email, author)
    workflow.move(pm, "in_review", author)
    workflow.request_changes(pm, reviewer, CHANGES_REQUESTED)
    _save(pm, author, {"trigger": bodies["trigger"]})
    workflow.move(pm, "in_review", author)
    workflow.move(pm, "approved", reviewer, comment=APPROVAL)
    db.session.flush()
    say(f"Post-mortem written by {author.display_name}, approved by "
        f"{reviewer.display_name}")
    return pm
