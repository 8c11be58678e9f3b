"""Documents built in memory, so format tests need no database rows."""

from datetime import UTC, date, datetime, timedelta

from postmortem.domain.exports import document as doc
from postmortem.domain.rendering import render_markdown

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
LONG_URL = "https://tracker.example.com/" + "very-long-path-segment-" * 12 + "end"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def section(key: str, title: str, body: str) -> doc.Section:
    return doc.Section(key=key, title=title, body=body, html=render_markdown(body))


def document(rows: int = 12, items: int = 5, state: str = "draft",
             **overrides) -> doc.Document:
    """A post-mortem with `rows` timeline events and `items` action items."""
    incident = doc.Incident(
        id=42, title="Chat, API and apps unavailable", severity="SEV1",
        impact="critical", status="resolved", started_at=at(0),
        summary="Everything failed for **everyone**.",
        summary_html=render_markdown("Everything failed for **everyone**."),
        detected_at=at(3), acknowledged_at=at(8), mitigated_at=at(95),
        resolved_at=at(160), detection_source="outage_tracker",
        commander="ic@example.com",
        components=(doc.ComponentImpact("api", "API", "operational", at(0), at(160),
                                        "major_outage", at(0), at(150)),),
        regions=("eu-west", "us-east"), platforms=("web", "ios"),
        customer_tiers=("free", "paid"), tags=("database",),
        users_affected=1_200_000, percent_users_affected=68.0,
        peak_user_reports=4200, version=7)
    events = tuple(doc.Event(occurred_at=at(i), kind="action",
                             text=f"Step {i}: looked at [the runbook]({LONG_URL})",
                             text_html=render_markdown(
                                 f"Step {i}: looked at [the runbook]({LONG_URL})"),
                             key=i % 3 == 0, author="Ada")
                   for i in range(rows))
    actions = tuple(doc.ActionItem(title=f"Action {i}", kind="prevent",
                                   priority="P1", owner="sre-team",
                                   due_date=date(2026, 12, 1), tracker_url=LONG_URL)
                    for i in range(items))
    updates = (doc.Update(status="investigating", message="We are aware.",
                          message_html="<p>We are aware.</p>", posted_at=at(8),
                          component_changes=(doc.ComponentChange(
                              "api", "API", None, "major_outage"),)),
               doc.Update(status="resolved", message="Fixed.",
                          message_html="<p>Fixed.</p>", posted_at=at(160)))
    timeline_rows = "\n".join(f"| {e.occurred_at:%H:%M} | {e.text} |"
                              for e in events if e.key)
    action_rows = "\n".join(f"| {a.title} | {a.owner} | {a.due_date} |"
                            for a in actions)
    sections = (
        section("summary", "Summary", "The service was **down** for 2 h 40 min."),
        section("impact", "Impact", "68% of users; see the chart."),
        section("root_causes", "Root causes",
                f"A config push, see <{LONG_URL}>.\n\n```\nkey: value\n```"),
        section("timeline", "Timeline",
                "| Time | Event |\n| --- | --- |\n" + timeline_rows),
        section("action_items", "Action items",
                "| Title | Owner | Due |\n| --- | --- | --- |\n" + action_rows),
    )
    base = {"incident": incident, "sections": sections, "updates": updates,
                "events": events, "action_items": actions,
                "samples": (doc.Sample(at(0), "user_reports", 10.0),
                         doc.Sample(at(30), "user_reports", 4200.0)),
                "postmortem_id": 5, "title": "Monday outage of chat, API and apps",
                "state": state, "version": 3, "authors": ("Ada Lovelace",),
                "approvers": ("Grace Hopper",) if state != "draft" else (),
                "created_at": at(300), "updated_at": at(400),
                "chart_svg": '<svg xmlns="http://www.w3.org/2000/svg" width="100" '
                          'height="20" role="img"><title>Impact</title>'
                          '<rect width="100" height="20" fill="#c00"/></svg>'}
    return doc.Document(**(base | overrides))
