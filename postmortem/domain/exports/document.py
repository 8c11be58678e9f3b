"""Everything an export needs, read once from the database into plain values.

Every format (PDF, HTML, Markdown, JSON) renders from a `Document`, so they
all say the same thing, and its JSON form doubles as the cache key: two
exports of a document whose JSON is unchanged are the same bytes.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from postmortem.models.incident import MILESTONES

FORMAT_VERSION = 1


@dataclass(frozen=True)
class ComponentImpact:
    """An affected component: its current status and, from the changes it
    went through, the worst status it reached and that window."""

    slug: str
    name: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    worst_status: str | None = None
    worst_start: datetime | None = None
    worst_end: datetime | None = None


@dataclass(frozen=True)
class ComponentChange:
    slug: str
    name: str
    old_status: str | None
    new_status: str


@dataclass(frozen=True)
class Update:
    status: str
    message: str
    message_html: str
    posted_at: datetime
    author: str | None = None
    component_changes: tuple[ComponentChange, ...] = ()


@dataclass(frozen=True)
class Event:
    occurred_at: datetime
    kind: str
    text: str
    text_html: str
    key: bool = False
    author: str | None = None


@dataclass(frozen=True)
class ActionItem:
    title: str
    kind: str
    priority: str
    status: str = "open"
    owner: str = ""
    description: str = ""
    due_date: date | None = None
    tracker_url: str | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class Sample:
    at: datetime
    metric: str
    value: float


@dataclass(frozen=True)
class Section:
    """A post-mortem section: its Markdown body as written and the sanitised
    HTML with the generated blocks filled in (frozen once approved)."""

    key: str
    title: str
    body: str
    html: str


@dataclass(frozen=True)
class Incident:
    id: int
    title: str
    severity: str
    impact: str
    status: str
    started_at: datetime
    summary: str = ""
    summary_html: str = ""
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    detection_source: str | None = None
    is_public: bool = True
    commander: str | None = None
    components: tuple[ComponentImpact, ...] = ()
    regions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    customer_tiers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    users_affected: int | None = None
    percent_users_affected: float | None = None
    peak_user_reports: int | None = None
    version: int = 1

    def milestones(self) -> dict[str, datetime | None]:
        return {name: getattr(self, name) for name in MILESTONES}

    def durations(self) -> dict[str, int | None]:
        """Seconds from the start of impact to each milestone, as the API
        reports them."""

        def since_start(moment: datetime | None) -> int | None:
            if moment is None:
                return None
            return int((moment - self.started_at).total_seconds())

        total = since_start(self.resolved_at)
        return {"to_detect": since_start(self.detected_at),
                "to_acknowledge": since_start(self.acknowledged_at),
                "to_mitigate": since_start(self.mitigated_at),
                "to_resolve": total, "total": total}


@dataclass(frozen=True)
class Document:
    """A post-mortem with the incident record it is written about."""

    incident: Incident
    sections: tuple[Section, ...] = ()
    updates: tuple[Update, ...] = ()
    events: tuple[Event, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    samples: tuple[Sample, ...] = ()
    postmortem_id: int | None = None
    title: str = ""
    state: str = "draft"
    version: int = 1
    is_public: bool = False
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    approved_at: datetime | None = None
    published_at: datetime | None = None
    # The SHA-256 of the approved PDF, once there is one.
    pdf_sha256: str | None = None
    # The impact chart as SVG markup, for the record appendix.
    chart_svg: str = field(default="", compare=False)

    @property
    def display_title(self) -> str:
        return self.title or f"Post-mortem: {self.incident.title}"

    @property
    def is_frozen(self) -> bool:
        return self.state in ("approved", "published")

    def key_events(self) -> list[Event]:
        return [e for e in self.events if e.key]

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: times ISO 8601 with their zone."""
        data = asdict(self)
        data.pop("chart_svg")
        data["incident"]["durations"] = self.incident.durations()
        return {"format": "postmortem-export", "format_version": FORMAT_VERSION,
                **_jsonable(data)}

    def fingerprint(self) -> str:
        """A digest of everything the document says: equal fingerprints,
        equal exports."""
        return _digest(self.to_dict())

    def content_sha256(self) -> str:
        """The digest of what was written and approved, printed on the cover:
        the PDF cannot hold its own SHA-256, so this one names its content."""
        data = self.to_dict()
        # Storing the approved PDF touches the post-mortem row again (its
        # version and update time), which must not change what it says.
        for name in ("pdf_sha256", "version", "updated_at"):
            data.pop(name)
        return _digest(data)

    @property
    def modified_at(self) -> datetime | None:
        """When the content last changed: frozen at approval."""
        return self.approved_at if self.is_frozen else self.updated_at


def _digest(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value
