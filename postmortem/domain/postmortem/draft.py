"""A first draft from the incident record: plain sentences for the sections
that have no prose yet.

Deterministic, and every number comes from the record: the same incident
always drafts the same words, and nothing is invented (root causes, trigger
and lessons are left to people).
"""

from collections.abc import Callable, Mapping
from typing import Any

from postmortem.domain import actions, component_history, events, updates
from postmortem.domain import incidents as incident_domain
from postmortem.domain.postmortem import documents, wording
from postmortem.domain.postmortem.readiness import is_written
from postmortem.domain.vocabulary import ACTION_KINDS, COMPONENT_STATUS_RANK, label
from postmortem.models import Incident, Postmortem, PostmortemRevision, User

IMPACT_WORDS = {
    "critical": "a critical outage",
    "major": "a major outage",
    "minor": "a minor disruption",
    "none": "an incident with no public impact",
}
DETECTION_WORDS = {
    "monitoring": "by our monitoring",
    "user_reports": "from user reports",
    "social_media": "from social media",
    "outage_tracker": "from outage-tracker reports",
    "internal": "internally",
    "customer_support": "through customer support",
    "other": "",
}
KIND_WORDS = {"prevent": "to prevent a repeat", "mitigate": "to limit the impact",
              "detect": "to detect it sooner", "process": "to improve the process"}


# Label values are stored as slugs (`ios`, `api`); these are the words
# people write for the common ones. Others keep their own spelling.
PROPER_WORDS = {"ios": "iOS", "ipados": "iPadOS", "android": "Android",
                "api": "API", "macos": "macOS", "windows": "Windows",
                "linux": "Linux", "sdk": "SDK", "cli": "CLI"}
STATUS_WORDS = {"major_outage": "a major outage", "partial_outage": "a partial outage",
                "degraded_performance": "degraded performance",
                "under_maintenance": "maintenance"}


def _word(value: str) -> str:
    """A stored label for a sentence: proper names as people write them."""
    return " ".join(PROPER_WORDS.get(part.lower(), part)
                    for part in value.replace("_", " ").replace("-", " ").split())


def _words(values: list[str]) -> str:
    return wording.series([_word(v) for v in values])


def _window(incident: Incident) -> str:
    """`On Monday 16 November 2026 from 09:00 to 11:40 UTC (2 h 40 min)`."""
    start, end = incident.started_at, incident.resolved_at
    if end is None:
        return (f"Since {wording.long_date(start)} at {wording.hour(start)} UTC "
                "(still ongoing)")
    length = wording.duration(int((end - start).total_seconds()))
    if end.date() == start.date():
        return (f"On {wording.long_date(start)} from {wording.hour(start)} to "
                f"{wording.hour(end)} UTC ({length})")
    return (f"From {wording.long_date(start)} at {wording.hour(start)} UTC to "
            f"{wording.long_date(end)} at {wording.hour(end)} UTC ({length})")


def _who(incident: Incident) -> str:
    tiers = incident.customer_tiers
    regions = incident.regions
    text = f" for {_words(tiers)} users" if tiers else ""
    return text + (f" in {wording.series(regions)}" if regions else "")


def _reports_word(incident: Incident) -> str:
    return ("outage trackers" if incident.detection_source == "outage_tracker"
            else "user reports")


def _figures(incident: Incident) -> list[str]:
    parts = []
    if incident.users_affected is not None and incident.percent_users_affected:
        parts.append(f"about {wording.count(incident.users_affected)} users "
                     f"({wording.percent(incident.percent_users_affected)}) were "
                     "affected")
    elif incident.percent_users_affected is not None:
        parts.append(f"about {wording.percent(incident.percent_users_affected)} "
                     "of users were affected")
    elif incident.users_affected is not None:
        parts.append(f"about {wording.count(incident.users_affected)} users were "
                     "affected")
    if incident.peak_user_reports is not None:
        parts.append(f"{_reports_word(incident)} peaked at "
                     f"{wording.count(incident.peak_user_reports)} reports")
    return parts


def summary(incident: Incident) -> str:
    # Each component with its own worst status, worst first, in the order
    # the components were created (the same on every database). The
    # incident's overall impact names the service only when no component
    # history says more.
    groups: dict[str, list[str]] = {}
    for worst in sorted(component_history.worst_impact(incident),
                        key=lambda w: w.component.id):
        groups.setdefault(worst.status, []).append(worst.component.name)
    ranked = sorted(groups.items(), key=lambda g: -COMPONENT_STATUS_RANK[g[0]])
    if ranked:
        clauses = [f"{wording.series(names)} "
                   f"{'had ' if index == 0 else ''}"
                   f"{STATUS_WORDS.get(status, label(status).lower())}"
                   for index, (status, names) in enumerate(ranked)]
        what = "; ".join(clauses)
    else:
        what = f"the service had {IMPACT_WORDS.get(incident.impact, 'an incident')}"
    who = _who(incident)
    if len(ranked) > 1 and who:
        # "for … users" after the last of several clauses would read as if
        # only those components touched them: say it once, for all.
        who = f". It affected{who.removeprefix(' for')}"
    sentence = f"{_window(incident)}, {what}{who}"
    if figures := _figures(incident):
        sentence += "; " + " and ".join(figures)
    return sentence + "."


def impact(incident: Incident) -> str:
    lines = []
    for worst in component_history.worst_impact(incident):
        if worst.end is not None:
            length = int((worst.end - worst.start).total_seconds())
            span = (f"from {wording.clock(worst.start)} to {wording.clock(worst.end)}"
                    f" ({wording.duration(length)})")
        else:
            span = f"from {wording.clock(worst.start)}, still ongoing"
        lines.append(f"- {worst.component.name} reached "
                     f"{label(worst.status).lower()} {span}.")
    text = "\n".join(lines)
    reach = []
    if incident.customer_tiers:
        reach.append(f"{_words(incident.customer_tiers)} users")
    if incident.regions:
        reach.append(f"in {wording.series(incident.regions)}")
    if incident.platforms:
        reach.append(f"on {_words(incident.platforms)}")
    sentences = []
    if reach:
        sentences.append("It affected " + " ".join(reach) + ".")
    if figures := _figures(incident):
        joined = " and ".join(figures)
        sentences.append(joined[0].upper() + joined[1:] + ".")
    prose = " ".join(sentences)
    return "\n\n".join(part for part in (prose, text) if part)


def detection(incident: Incident) -> str:
    seconds = incident_domain.durations(incident)
    if incident.detected_at is None:
        return "The record does not say when the incident was detected."
    how = DETECTION_WORDS.get(incident.detection_source or "", "")
    text = (f"The incident was detected {wording.duration(seconds['to_detect'])} "
            "after impact began" + (f", {how}" if how else "") + ".")
    if incident.acknowledged_at is not None:
        text += (f" It was acknowledged at {wording.clock(incident.acknowledged_at)}"
                 f", {wording.duration(seconds['to_acknowledge'])} after impact "
                 "began.")
    return text


def resolution(incident: Incident) -> str:
    seconds = incident_domain.durations(incident)
    parts = []
    if incident.mitigated_at is not None:
        parts.append(f"Impact was mitigated at {wording.clock(incident.mitigated_at)}"
                     f", {wording.duration(seconds['to_mitigate'])} after it began.")
    if incident.resolved_at is not None:
        parts.append(f"The incident was resolved at "
                     f"{wording.clock(incident.resolved_at)}, "
                     f"{wording.duration(seconds['to_resolve'])} after impact "
                     "began.")
    else:
        parts.append(f"The incident is still {incident.status}.")
    return " ".join(parts)


def timeline(incident: Incident) -> str:
    starred = sum(1 for e in events.for_incident(incident) if e.key)
    posted = len(updates.for_incident(incident))
    return (f"All times are UTC. The table lists the milestones, the {posted} "
            f"status update{'s' * (posted != 1)} and the {starred} starred "
            f"event{'s' * (starred != 1)} of the incident.")


def action_items(incident: Incident) -> str:
    items = actions.for_incident(incident)
    if not items:
        return "No action items have been recorded yet."
    kinds = [f"{n} {KIND_WORDS[kind]}" for kind in ACTION_KINDS
             if (n := sum(1 for i in items if i.kind == kind))]
    done = sum(1 for i in items if i.status == "done")
    return (f"This incident left {len(items)} action "
            f"item{'s' * (len(items) != 1)}: {wording.series(kinds)}. "
            f"{done} {'is' if done == 1 else 'are'} done.")


DRAFTERS: dict[str, Callable[[Incident], str]] = {
    "summary": summary, "impact": impact, "detection": detection,
    "resolution": resolution, "timeline": timeline, "action_items": action_items,
}


def proposals(pm: Postmortem) -> dict[str, str]:
    """{section key: new body} for the sections with no prose yet; the
    drafted sentences go before the section's generated-block markers."""
    out = {}
    for section in pm.sections:
        drafter = DRAFTERS.get(section.key)
        if drafter is None or is_written(section.body):
            continue
        text = drafter(pm.incident)
        out[section.key] = f"{text}\n\n{section.body}".strip() if section.body \
            else text
    return out


def fill(pm: Postmortem, data: Mapping[str, Any],
         actor: User) -> PostmortemRevision | None:
    """The "Draft from incident" button: save the proposals as one revision (None when
    every section it can draft already has prose)."""
    bodies = proposals(pm)
    return documents.save_sections(
        pm, {"version": data.get("version") if isinstance(data, Mapping) else None,
             "sections": [{"key": k, "body": v} for k, v in bodies.items()]},
        actor, kind="draft")
