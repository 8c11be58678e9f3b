"""What the print templates show, worked out once: the templates only display.

The PDF and the HTML export render the same `templates/pdf/document.html`
with the context built here.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import render_template
from markupsafe import Markup

from postmortem.domain.exports.document import Document
from postmortem.domain.vocabulary import KNOWN_METRICS, label

TEMPLATE = "pdf/document.html"
_CSS_DIR = Path(__file__).resolve().parents[3] / "templates" / "pdf"
MILESTONE_LABELS = {
    "started_at": "Impact began", "detected_at": "Detected",
    "acknowledged_at": "Acknowledged", "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}
DURATION_LABELS = {
    "to_detect": "Time to detect", "to_acknowledge": "Time to acknowledge",
    "to_mitigate": "Time to mitigate", "to_resolve": "Time to resolve",
}


def when(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.strftime("%a %d %b %Y %H:%M UTC")
    return moment.strftime("%d %b %Y")


def clock(moment: datetime | None) -> str:
    return moment.strftime("%d %b %H:%M") if moment else "—"


def duration(seconds: int | None) -> str:
    """`9600` -> `2 h 40 min`."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def number(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}{suffix}" if float(value).is_integer() else \
        f"{value:,.1f}{suffix}"


@dataclass(frozen=True)
class Fact:
    name: str
    value: str


def _stylesheet(name: str) -> str:
    return (_CSS_DIR / name).read_text(encoding="utf-8")


def safe(html: str) -> Markup:
    """Mark stored HTML safe: every such field was made by `render_markdown`
    (nh3) or by the chart module when written."""
    return Markup(html)  # noqa: S704


def cover_facts(document: Document) -> list[Fact]:
    incident = document.incident
    window = f"{when(incident.started_at)} → {when(incident.resolved_at)}" \
        if incident.resolved_at else f"{when(incident.started_at)} → ongoing"
    facts = [
        Fact("Incident", f"#{incident.id} · {incident.title}"),
        Fact("Severity", incident.severity),
        Fact("Impact", label(incident.impact)),
        Fact("Status", label(incident.status)),
        Fact("When", window),
        Fact("Duration", duration(incident.durations()["total"])),
        Fact("Post-mortem state", label(document.state)),
        Fact("Authors", ", ".join(document.authors) or "—"),
        Fact("Approvers", ", ".join(document.approvers) or "—"),
    ]
    if document.approved_at:
        facts.append(Fact("Approved", when(document.approved_at)))
    if document.published_at:
        facts.append(Fact("Published", when(document.published_at)))
    return facts


def context(document: Document, mode: str) -> dict:
    """Everything `templates/pdf/document.html` needs; `mode` is "pdf" or
    "html" (which adds screen styles and drops the paged-media ones)."""
    incident = document.incident
    has_chart_in_sections = any("<svg" in s.html for s in document.sections)
    durations = incident.durations()
    return {
        "mode": mode, "doc": document, "incident": incident,
        "css": _stylesheet("print.css") + (
            _stylesheet("screen.css") if mode == "html" else ""),
        "cover": cover_facts(document),
        "milestones": [Fact(MILESTONE_LABELS[k], when(v))
                       for k, v in incident.milestones().items()],
        "durations": [Fact(DURATION_LABELS[k], duration(durations[k]))
                      for k in DURATION_LABELS],
        "metric_label": lambda m: KNOWN_METRICS.get(m, label(m)),
        "chart": safe(document.chart_svg) if document.samples
        and not has_chart_in_sections else None,
        "safe": safe, "when": when, "clock": clock, "label": label,
        "number": number, "subject": subject(document),
    }


def subject(document: Document) -> str:
    incident = document.incident
    return (f"Post-mortem of incident #{incident.id} ({incident.severity}, "
            f"{label(incident.impact).lower()} impact), {when(incident.started_at)}")


def render(document: Document, mode: str) -> str:
    return render_template(TEMPLATE, **context(document, mode))

