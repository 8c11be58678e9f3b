"""One timeline from events, status updates and milestones, in time order."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from postmortem.models import Incident, StatusUpdate, TimelineEvent
from postmortem.models.incident import MILESTONES

MILESTONE_TEXT = {
    "started_at": "Impact began",
    "detected_at": "Detected",
    "acknowledged_at": "Acknowledged",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}


def sanitised(html: str) -> Markup:
    """Mark HTML safe: only ever called on what render_markdown produced."""
    return Markup(html)  # noqa: S704  (nh3-cleaned when written)


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: str  # "event", "update" or "milestone"
    kind: str  # event kind, update status or milestone name
    html: Markup
    author: str | None = None
    key: bool = False
    ref: int | None = None


def merge(incident: Incident, events: list[TimelineEvent],
          updates: list[StatusUpdate]) -> list[Entry]:
    """Every entry of the incident, oldest first; ties keep milestones first so
    "Detected" precedes what was done about it."""
    entries = [
        Entry(at=value, source="milestone", kind=name,
              html=escape(MILESTONE_TEXT[name]), key=True)
        for name in MILESTONES
        if (value := getattr(incident, name)) is not None
    ]
    entries += [
        Entry(at=e.occurred_at, source="event", kind=e.kind,
              html=sanitised(e.text_html), key=e.key, ref=e.id,
              author=e.author.display_name if e.author else None)
        for e in events
    ]
    entries += [
        Entry(at=u.posted_at, source="update", kind=u.status,
              html=sanitised(u.message_html), key=True, ref=u.id,
              author=u.author.display_name if u.author else None)
        for u in updates
    ]
    order = {"milestone": 0, "update": 1, "event": 2}
    return sorted(entries, key=lambda e: (e.at, order[e.source], e.ref or 0))
