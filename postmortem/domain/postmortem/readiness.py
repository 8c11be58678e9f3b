"""The readiness check: what a post-mortem still lacks before approval.

Shown to the author before review; enforced when a reviewer approves.
"""

import re
from dataclasses import dataclass, field

from postmortem.domain import actions
from postmortem.domain.errors import Conflict
from postmortem.domain.postmortem.rendering import MARKER_RE
from postmortem.models import Postmortem
from postmortem.models.incident import MILESTONES

# ATX headings, setext headings (a line underlined with = or -) and rules.
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s.*)?$|^[^\n]*\n\s{0,3}(=+|-+)\s*$"
                        r"|^\s*[=-]{2,}\s*$", re.MULTILINE)
MILESTONE_LABELS = {"started_at": "impact began", "detected_at": "detected",
                    "acknowledged_at": "acknowledged", "mitigated_at": "mitigated",
                    "resolved_at": "resolved"}


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class NotReady(Conflict):
    code = "not_ready"


def is_written(body: str) -> bool:
    """Prose beyond the generated blocks and the template's headings."""
    text = HEADING_RE.sub("", MARKER_RE.sub("", body or ""))
    return bool(text.strip())


def _sections(pm: Postmortem) -> list[str]:
    return [f"“{s.title}” is not written yet" for s in pm.sections
            if not is_written(s.body)]


def _action_items(pm: Postmortem) -> list[str]:
    problems = []
    for item in actions.for_incident(pm.incident):
        if item.status == "wont_do":
            continue
        missing = [name for name, value in (("an owner", item.owner),
                                            ("a due date", item.due_date))
                   if not value]
        if missing:
            problems.append(f"“{item.title}” needs {' and '.join(missing)}")
    return problems


def _milestones(pm: Postmortem) -> list[str]:
    incident = pm.incident
    present = [(name, getattr(incident, name)) for name in MILESTONES
               if getattr(incident, name) is not None]
    return [f"{MILESTONE_LABELS[later]} ({b:%Y-%m-%d %H:%M} UTC) is before "
            f"{MILESTONE_LABELS[earlier]} ({a:%Y-%m-%d %H:%M} UTC)"
            for (earlier, a), (later, b) in zip(present, present[1:], strict=False)
            if b < a]


def _scope(pm: Postmortem) -> list[str]:
    incident = pm.incident
    problems = []
    if not incident.affected:
        problems.append("no affected components")
    for name, values in (("regions", incident.regions),
                         ("platforms", incident.platforms),
                         ("customer tiers", incident.customer_tiers)):
        if not values:
            problems.append(f"no {name}")
    if (incident.users_affected is None and incident.percent_users_affected is None
            and incident.peak_user_reports is None):
        problems.append("no measure of how many users were affected (users "
                        "affected, % of users or peak user reports)")
    return problems


def _resolved(pm: Postmortem) -> list[str]:
    if pm.incident.is_resolved:
        return []
    return [f"the incident is still {pm.incident.status}"]


def check(pm: Postmortem) -> list[Check]:
    """Every check, passed or not, in the order the author works through them."""
    return [
        Check("sections", "Every section written", _sections(pm)),
        Check("action_items", "Every action item has an owner and a due date",
              _action_items(pm)),
        Check("milestones", "Milestones in order (began ≤ detected ≤ "
              "acknowledged ≤ mitigated ≤ resolved)", _milestones(pm)),
        Check("scope", "Impact scope filled", _scope(pm)),
        Check("resolved", "Incident resolved", _resolved(pm)),
    ]


def problems(pm: Postmortem) -> dict[str, str]:
    return {c.name: "; ".join(c.problems) for c in check(pm) if not c.ok}


def require_ready(pm: Postmortem) -> None:
    if missing := problems(pm):
        raise NotReady("Not ready for approval: " + "; ".join(missing.values()),
                       missing)
