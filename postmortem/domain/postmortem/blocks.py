"""Generated blocks: parts of the document drawn from the incident record.

An author places one with a marker (`{{ timeline }}`) in any section. Each
block has plain data (JSON-ready, for exports and the frozen snapshot) and
HTML built here from escaped values, so it is inserted after the section's
Markdown has been sanitised (nh3 would strip the chart's SVG).
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from postmortem.domain import actions, charts, component_history, events, impact
from postmortem.domain import incidents as incident_domain
from postmortem.domain import timeline as timeline_domain
from postmortem.domain.postmortem import wording
from postmortem.domain.values import parse_time
from postmortem.domain.vocabulary import label
from postmortem.extensions import db
from postmortem.models import Incident, StatusUpdate
from postmortem.models.types import utcnow

BLOCK_NAMES = ("timeline", "impact", "impact_chart", "metrics", "action_items")
METRICS = (
    ("detected_at", "Time to detect", "to_detect"),
    ("acknowledged_at", "Time to acknowledge", "to_acknowledge"),
    ("mitigated_at", "Time to mitigate", "to_mitigate"),
    ("resolved_at", "Time to resolve", "to_resolve"),
)
SOURCE_LABEL = {"milestone": "Milestone", "update": "Status update",
                "event": "Event"}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _time(text: str | None):
    return parse_time(text) if text else None


# --- data ------------------------------------------------------------------

def _updates(incident: Incident) -> list[StatusUpdate]:
    return list(db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at, StatusUpdate.id)))


def timeline_data(incident: Incident) -> list[dict[str, Any]]:
    """The key entries: milestones, status updates and starred events."""
    entries = timeline_domain.merge(
        incident, [e for e in events.for_incident(incident) if e.key],
        _updates(incident))
    return [{"at": _iso(e.at), "source": e.source, "kind": e.kind,
             "html": str(e.html), "author": e.author}
            for e in entries if e.key]


def impact_data(incident: Incident) -> dict[str, Any]:
    """The scope: each component's worst status and window, then the rest."""
    worst = component_history.worst_impact(incident)
    return {
        "components": [{"name": w.component.name, "slug": w.component.slug,
                        "status": w.status, "start": _iso(w.start),
                        "end": _iso(w.end)} for w in worst],
        "regions": incident.regions,
        "platforms": incident.platforms,
        "customer_tiers": incident.customer_tiers,
        "users_affected": incident.users_affected,
        "percent_users_affected": incident.percent_users_affected,
        "peak_user_reports": incident.peak_user_reports,
    }


def metrics_data(incident: Incident) -> list[dict[str, Any]]:
    seconds = incident_domain.durations(incident)
    rows = [{"milestone": "started_at", "label": "Impact began",
             "at": _iso(incident.started_at), "seconds": None}]
    rows += [{"milestone": name, "label": text, "at": _iso(getattr(incident, name)),
              "seconds": seconds[key]} for name, text, key in METRICS]
    return rows


def action_items_data(incident: Incident) -> list[dict[str, Any]]:
    return [{"id": item.id, "title": item.title, "owner": item.owner,
             "kind": item.kind, "priority": item.priority, "status": item.status,
             "due_date": item.due_date.isoformat() if item.due_date else None,
             "tracker_url": item.tracker_url}
            for item in actions.for_incident(incident)]


DATA = {"timeline": timeline_data, "impact": impact_data,
        "metrics": metrics_data, "action_items": action_items_data}


# --- HTML ------------------------------------------------------------------

def _table(name: str, caption: str, head: Iterable[str],
           rows: list[list[Markup | str]], empty: str) -> Markup:
    if not rows:
        return Markup('<p class="pm-block pm-{} pm-empty">{}</p>').format(name, empty)
    cells = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
        for row in rows)
    # The wrapper scrolls a wide table on a phone instead of the whole page;
    # focusable and named so keyboard and screen-reader users can scroll it.
    return Markup(  # noqa: S704  (every value escaped above)
        f'<div class="pm-table-wrap" role="group" tabindex="0" '
        f'aria-label="{escape(caption)}"><table class="pm-block pm-{name}">'
        f"<caption>{escape(caption)}</caption>"
        f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div>")


def timeline_html(rows: list[dict[str, Any]]) -> Markup:
    body = []
    for row in rows:
        what = (label(row["kind"]) if row["source"] != "milestone"
                else SOURCE_LABEL["milestone"])
        # The entry's HTML came from render_markdown (nh3-clean) when written.
        text = Markup(row["html"])  # noqa: S704
        body.append([wording.clock(_time(row["at"])), what, text])
    return _table("timeline", "Key events (UTC)", ("Time", "Kind", "What happened"),
                  body, "No key events recorded.")


def _list(values: list[str]) -> str:
    return ", ".join(values) if values else "—"


def impact_html(data: dict[str, Any]) -> Markup:
    rows = [[c["name"], label(c["status"]), wording.clock(_time(c["start"])),
             wording.clock(_time(c["end"])) if c["end"] else "ongoing"]
            for c in data["components"]]
    components = _table("impact", "Affected components (worst status reached)",
                        ("Component", "Worst status", "From", "Until"), rows,
                        "No affected components recorded.")
    facts = [
        ("Regions", _list(data["regions"])),
        ("Platforms", _list(data["platforms"])),
        ("Customer tiers", _list(data["customer_tiers"])),
        ("Users affected", wording.count(data["users_affected"])
         if data["users_affected"] is not None else "—"),
        ("% of users affected", wording.percent(data["percent_users_affected"])
         if data["percent_users_affected"] is not None else "—"),
        ("Peak user reports", wording.count(data["peak_user_reports"])
         if data["peak_user_reports"] is not None else "—"),
    ]
    scope = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    return Markup(  # noqa: S704  (built from escaped parts)
        f'<div class="pm-block pm-impact-scope">{components}'
        f'<dl class="pm-scope">{scope}</dl></div>')


def metrics_html(rows: list[dict[str, Any]]) -> Markup:
    body = [[r["label"], wording.clock(_time(r["at"])),
             wording.duration(r["seconds"]) if r["milestone"] != "started_at"
             else ""] for r in rows]
    return _table("metrics", "Milestones and durations from the start of impact",
                  ("Milestone", "At", "After"), body, "")


def action_items_html(rows: list[dict[str, Any]]) -> Markup:
    body = []
    for r in rows:
        title: Markup | str = r["title"]
        if r["tracker_url"] and r["tracker_url"].startswith(("https://", "http://")):
            title = Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>'
                           ).format(r["tracker_url"], r["title"])
        body.append([title, r["owner"] or "—", label(r["kind"]), r["priority"],
                     label(r["status"]), r["due_date"] or "—"])
    return _table("action_items", "Action items",
                  ("Action", "Owner", "Kind", "Priority", "Status", "Due"),
                  body, "No action items yet.")


def impact_chart_html(incident: Incident) -> Markup:
    """The chart laid out twice, as on the incident page: the wide one, and one
    stacked for a phone so its axis text stays readable. The phone layout is
    `hidden` so the PDF (print.css knows nothing of it) draws only the wide
    one; the screen stylesheets swap them on narrow screens."""
    samples = impact.for_incident(incident)
    wide = charts.impact_chart(samples, incident, width=charts.WIDE_WIDTH)
    narrow = charts.impact_chart(samples, incident, width=charts.NARROW_WIDTH,
                                 narrow=True)
    return Markup(
        '<figure class="pm-block pm-impact-chart">'
        '<div class="impact-chart-wide">{}</div>'
        '<div class="impact-chart-narrow" hidden>{}</div></figure>'
    ).format(wide, narrow)


HTML = {"timeline": timeline_html, "impact": impact_html,
        "metrics": metrics_html, "action_items": action_items_html}


def live(incident: Incident, names: Iterable[str] = BLOCK_NAMES) -> dict[str, str]:
    """{block name: HTML} from the incident's data as it is now."""
    out: dict[str, str] = {}
    for name in dict.fromkeys(names):
        if name == "impact_chart":
            out[name] = str(impact_chart_html(incident))
        elif name in DATA:
            out[name] = str(HTML[name](DATA[name](incident)))
    return out


def incident_facts(incident: Incident) -> dict[str, Any]:
    """The incident's own fields, as the snapshot keeps them."""
    return {
        "id": incident.id, "title": incident.title, "severity": incident.severity,
        "impact": incident.impact, "status": incident.status,
        "detection_source": incident.detection_source,
        "started_at": _iso(incident.started_at),
        "detected_at": _iso(incident.detected_at),
        "acknowledged_at": _iso(incident.acknowledged_at),
        "mitigated_at": _iso(incident.mitigated_at),
        "resolved_at": _iso(incident.resolved_at),
        "commander": (incident.commander.display_name
                      if incident.commander else None),
        "is_public": incident.is_public,
    }


def snapshot(incident: Incident) -> dict[str, Any]:
    """Everything the generated blocks show, frozen: their data, their HTML
    and the incident's facts, with the time it was taken."""
    data = {name: fetch(incident) for name, fetch in DATA.items()}
    html = {name: str(HTML[name](data[name])) for name in DATA}
    html["impact_chart"] = str(impact_chart_html(incident))
    return {"taken_at": utcnow().isoformat(), "incident": incident_facts(incident),
            "data": data, "blocks": {name: html[name] for name in BLOCK_NAMES}}
