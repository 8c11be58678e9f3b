"""The incident page and what responders log on it: status updates, timeline
events, impact samples."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from postmortem.domain import components, events, incident_page, updates
from postmortem.extensions import db
from postmortem.models import ImpactSample, Incident, StatusUpdate, TimelineEvent
from postmortem.models.types import utcnow
from tests import factories
from tests.factories import at
from tests.web.test_incidents import cold_get, form_time, reload


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        self.forms += tag == "form"
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def rows(model, incident) -> list:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).where(
        model.incident_id == incident.id).order_by(model.id)))


@pytest.fixture
def incident(responder):
    factories.component("API", slug="api")
    factories.component("Website", slug="website")
    return factories.incident(
        responder, title="Monday outage", summary="Users saw **errors**.",
        components=[{"slug": "api", "status": "major_outage"}],
        regions=["eu-west"], platforms=["web"], customer_tiers=["free", "paid"],
        tags=["capacity"], users_affected=1_200_000, percent_users_affected=35.5,
        peak_user_reports=4210, detection_source="outage_tracker")


def page(client, incident) -> str:
    response = client.get(f"/incidents/{incident.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---- showing ---------------------------------------------------------------

def test_page_shows_facts_milestones_scope_and_chart(as_responder, incident):
    html = page(as_responder, incident)
    assert "Monday outage" in html and "<strong>errors</strong>" in html
    assert "badge-status-investigating" in html and "badge-severity-SEV2" in html
    assert "major impact" in html and "badge-public" in html
    # Milestone figures: detected 4 minutes after impact began.
    assert re.search(r"Detected</span>\s*<strong>4m</strong>", html)
    assert "Ongoing for" in html
    # Impact scope.
    assert re.search(r'affected-name">API</span>\s*<span class="badge '
                     r'badge-component-major_outage">major outage', html)
    assert "1,200,000" in html and "35.5%" in html and "4,210" in html
    assert '<span class="chip">eu-west</span>' in html
    assert '<span class="chip">paid</span>' in html
    assert "outage tracker" in html
    # The chart (empty until samples arrive) and the action items partial.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'id="action-items"' in html


def test_page_has_no_duplicate_ids_across_its_forms(as_responder, incident,
                                                    responder):
    events.add(incident, {"text": "Paged on-call", "occurred_at": at(5)}, responder)
    db.session.commit()
    parsed = parse(page(as_responder, incident))
    duplicates = [name for name, n in parsed.ids.items() if n > 1]
    assert duplicates == []
    assert parsed.forms >= 6


def test_viewer_sees_the_page_without_write_forms(as_viewer, incident, responder):
    event = events.add(incident, {"text": "Paged on-call", "occurred_at": at(5)},
                       responder)
    db.session.commit()
    html = page(as_viewer, incident)
    assert "Paged on-call" in html
    assert parse(html).forms == 1  # only "Sign out"
    assert f"/events/{event.id}/delete" not in html
    assert "Post update" not in html and "Edit incident" not in html


def test_private_incident_is_marked(as_responder, responder):
    incident = factories.incident(responder, is_public=False)
    assert "badge-private" in page(as_responder, incident)


def test_page_query_count_does_not_grow_with_the_timeline(app, as_responder,
                                                          responder):
    def seeded(n):
        incident = factories.incident(responder, components=["api"], tags=["x"])
        for i in range(n):
            events.add(incident, {"text": f"Event {i}", "occurred_at": at(5 + i / 10),
                                  "key": i % 2 == 0}, responder)
        for i, status in enumerate(["investigating", "identified", "monitoring"] * n):
            updates.post(incident, {"status": status, "message": f"Update {i}",
                                    "posted_at": at(10 + i / 10),
                                    "component_statuses": {"api": "partial_outage"}},
                         responder)
        db.session.add(ImpactSample(incident_id=incident.id, at=at(1), metric="x",
                                    value=1))
        db.session.commit()
        return incident

    factories.component("API", slug="api")
    small, big = seeded(1), seeded(40)
    few, _html = cold_get(app, as_responder, f"/incidents/{small.id}")
    many, html = cold_get(app, as_responder, f"/incidents/{big.id}")
    assert html.count("tl-event") == 40
    assert few == many


# ---- status updates --------------------------------------------------------

def update_form(**overrides) -> dict:
    return {"update-status": "investigating", "update-message": "We are aware.",
            "update-posted_at": form_time(at(12))} | overrides


def test_updates_move_the_incident_through_its_statuses(as_responder, incident):
    path = f"/incidents/{incident.id}/updates"
    steps = [("investigating", 12, "We are **aware** of errors."),
             ("identified", 30, "A database failover is the cause."),
             ("monitoring", 55, "Restored for an increasing percentage of users."),
             ("resolved", 95, "All systems operational.")]
    for status, minute, message in steps:
        response = as_responder.post(path, data=update_form(**{
            "update-status": status, "update-message": message,
            "update-posted_at": form_time(at(minute))}))
        assert response.status_code == 302
        newest = rows(StatusUpdate, incident)[-1]
        assert response.headers["Location"] == (
            f"/incidents/{incident.id}#update-{newest.id}")
        assert reload(incident).status == status

    stored = reload(incident)
    # Back-dated times are used, not the time of typing.
    assert stored.acknowledged_at == at(12)
    assert stored.mitigated_at == at(55)
    assert stored.resolved_at == at(95)
    assert [u.posted_at for u in rows(StatusUpdate, incident)] == [
        at(12), at(30), at(55), at(95)]

    html = page(as_responder, incident)
    updates_html = html[html.index('id="updates"'):html.index('id="timeline"')]
    order = [updates_html.index(text) for text in (
        "All systems operational.", "Restored for an increasing",
        "A database failover", "We are <strong>aware</strong>")]
    assert order == sorted(order)  # newest first
    assert re.search(r"Resolved</span>\s*<strong>1h 35m</strong>", html)
    assert "Total duration" in html


def test_update_changes_component_statuses(as_responder, incident):
    api, web = components.by_slug("api"), components.by_slug("website")
    response = as_responder.post(f"/incidents/{incident.id}/updates", data=update_form(
        **{f"update-component_{api.id}": "degraded_performance",
           f"update-component_{web.id}": "partial_outage"}))
    assert response.status_code == 302
    statuses = {a.component.slug: a.status for a in reload(incident).affected}
    assert statuses == {"api": "degraded_performance", "website": "partial_outage"}
    html = page(as_responder, incident)
    assert re.search(r"API: major outage → <span class=\"badge "
                     r"badge-component-degraded_performance\">", html)


def test_update_and_event_without_a_time_happen_when_posted(as_responder,
                                                            incident):
    """The composers are not filled with the time the page was drawn: during
    an incident the page stays open, and that time would post in the past."""
    html = page(as_responder, incident)
    for name in ("update-posted_at", "event-occurred_at"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'value=""' in tag or "value=" not in tag
    before = utcnow()
    as_responder.post(f"/incidents/{incident.id}/updates",
                      data=update_form(**{"update-posted_at": ""}))
    as_responder.post(f"/incidents/{incident.id}/events",
                      data=event_form(**{"event-occurred_at": ""}))
    [update], [event] = rows(StatusUpdate, incident), rows(TimelineEvent, incident)
    assert update.posted_at >= before and event.occurred_at >= before


@pytest.mark.parametrize("overrides, field, message", [
    ({"update-message": ""}, "update-message", "is required"),
    ({"update-status": "exploded"}, "update-status", "Not a valid choice"),
    ({"update-posted_at": "2099-01-01T10:00"}, "update-posted_at", "in the future"),
    ({"update-posted_at": form_time(at(-60))}, "update-posted_at",
     "cannot be before the impact started"),
    ({"update-posted_at": "soon"}, "update-posted_at", "must be written YYYY-MM-DD"),
    ({"update-message": "m" * 20_001}, "update-message", "20000 characters"),
])
def test_bad_update_is_refused_beside_the_field(as_responder, incident, overrides,
                                                field, message):
    form = update_form(**{"update-message": "My typed update"}) | overrides
    response = as_responder.post(f"/incidents/{incident.id}/updates", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    if field != "update-message":
        assert "My typed update" in html
    assert rows(StatusUpdate, incident) == []
    stored = reload(incident)
    assert stored.acknowledged_at is None and stored.version == 1


# ---- timeline events -------------------------------------------------------

def event_form(**overrides) -> dict:
    return {"event-kind": "escalation", "event-text": "Paged the database team",
            "event-occurred_at": form_time(at(8)), "event-key": "y"} | overrides


def test_log_a_back_dated_key_event(as_responder, incident, responder):
    response = as_responder.post(f"/incidents/{incident.id}/events",
                                 data=event_form())
    assert response.status_code == 302
    [event] = rows(TimelineEvent, incident)
    assert response.headers["Location"].endswith(f"#event-{event.id}")
    assert (event.kind, event.text, event.occurred_at, event.key) == (
        "escalation", "Paged the database team", at(8), True)
    assert event.author_id == responder.id

    html = page(as_responder, incident)
    entry = re.search(rf'<li class="tl-event tl-key" id="event-{event.id}">(.*?)</li>',
                      html, re.S)
    assert entry and "2026-11-16 09:08 UTC" in entry.group(1)
    assert "Paged the database team" in entry.group(1)
    assert "★ key" in entry.group(1)
    # Merged in time order: detected (09:04) < event (09:08).
    assert html.index(">Detected</div>") < html.index("Paged the database team")


def test_mitigation_event_marks_the_incident_mitigated(as_responder, incident):
    as_responder.post(f"/incidents/{incident.id}/events", data=event_form(**{
        "event-kind": "mitigation", "event-occurred_at": form_time(at(40))}))
    assert reload(incident).mitigated_at == at(40)


@pytest.mark.parametrize("overrides, field, message", [
    ({"event-text": ""}, "event-text", "is required"),
    ({"event-kind": "gossip"}, "event-kind", "Not a valid choice"),
    ({"event-occurred_at": "2099-05-05T05:05"}, "event-occurred_at", "in the future"),
    ({"event-text": "t" * 10_001}, "event-text", "10000 characters"),
])
def test_bad_event_is_refused_beside_the_field(as_responder, incident, overrides,
                                               field, message):
    form = event_form(**{"event-text": "Typed event text"}) | overrides
    response = as_responder.post(f"/incidents/{incident.id}/events", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    if field != "event-text":
        assert "Typed event text" in html
    assert rows(TimelineEvent, incident) == []


def test_a_mitigation_before_the_start_is_refused(as_responder, incident):
    response = as_responder.post(f"/incidents/{incident.id}/events", data=event_form(
        **{"event-kind": "mitigation", "event-occurred_at": form_time(at(-30))}))
    assert response.status_code == 422
    assert 'id="event-occurred_at-error"' in response.get_data(as_text=True)
    assert rows(TimelineEvent, incident) == []
    assert reload(incident).mitigated_at is None


def test_edit_an_event(as_responder, incident, responder):
    event = events.add(incident, {"text": "Frist note", "occurred_at": at(6)},
                       responder)
    db.session.commit()
    path = f"/incidents/{incident.id}/events/{event.id}/edit"
    form_page = as_responder.get(path).get_data(as_text=True)
    assert "Frist note" in form_page and 'value="2026-11-16 09:06"' in form_page

    response = as_responder.post(path, data=event_form(**{
        "event-text": "First note", "event-kind": "note",
        "event-occurred_at": form_time(at(7))}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#event-{event.id}")
    [stored] = rows(TimelineEvent, incident)
    assert (stored.text, stored.occurred_at, stored.key) == ("First note", at(7), True)
    assert "First note" in page(as_responder, incident)

    bad = as_responder.post(path, data=event_form(**{"event-text": "",
                                                      "event-kind": "note"}))
    assert bad.status_code == 422
    assert 'id="event-text-error"' in bad.get_data(as_text=True)
    assert rows(TimelineEvent, incident)[0].text == "First note"


def test_star_unstar_and_delete_an_event(as_responder, incident, responder):
    event = events.add(incident, {"text": "Rolled back deploy", "occurred_at": at(20)},
                       responder)
    db.session.commit()
    base = f"/incidents/{incident.id}/events/{event.id}"
    html = page(as_responder, incident)
    assert f'formaction="{base}/star" name="tl-key" value="true"' in html

    response = as_responder.post(f"{base}/star", data={"tl-key": "true"})
    assert response.status_code == 302
    assert rows(TimelineEvent, incident)[0].key is True
    assert f'formaction="{base}/star" name="tl-key" value="false"' in page(
        as_responder, incident)

    as_responder.post(f"{base}/star", data={"tl-key": "false"})
    assert rows(TimelineEvent, incident)[0].key is False

    response = as_responder.post(f"{base}/delete", data={})
    assert response.status_code == 302
    assert rows(TimelineEvent, incident) == []
    assert "Rolled back deploy" not in page(as_responder, incident)


def test_event_of_another_incident_is_404(as_responder, incident, responder):
    other = factories.incident(responder)
    event = events.add(other, {"text": "Elsewhere", "occurred_at": at(5)}, responder)
    db.session.commit()
    for suffix in ("star", "delete", "edit"):
        path = f"/incidents/{incident.id}/events/{event.id}/{suffix}"
        assert as_responder.post(path, data={"tl-key": "true"}).status_code == 404
    assert as_responder.post(f"/incidents/{incident.id}/events/99999999999/delete"
                             ).status_code == 404
    assert len(rows(TimelineEvent, other)) == 1


# ---- impact samples --------------------------------------------------------

def test_add_a_sample_and_see_it_charted(as_responder, incident):
    response = as_responder.post(f"/incidents/{incident.id}/samples", data={
        "sample-metric": "user_reports", "sample-value": "4210",
        "sample-at": form_time(at(15))})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#impact")
    [sample] = rows(ImpactSample, incident)
    assert (sample.metric, sample.value, sample.at) == ("user_reports", 4210, at(15))
    html = page(as_responder, incident)
    assert 'class="impact-chart"' in html and 'class="series"' in html
    assert "User reports" in html and "4,210" in html


@pytest.mark.parametrize("overrides, field, message", [
    ({"sample-value": "lots"}, "sample-value", "must be a number"),
    ({"sample-value": ""}, "sample-value", "is required"),
    ({"sample-metric": "vibes"}, "sample-metric", "Not a valid choice"),
    ({"sample-at": ""}, "sample-at", "is required"),
    ({"sample-at": "2099-01-01T00:00"}, "sample-at", "in the future"),
])
def test_bad_sample_is_refused(as_responder, incident, overrides, field, message):
    form = {"sample-metric": "error_rate", "sample-value": "12.5",
            "sample-at": form_time(at(15))} | overrides
    response = as_responder.post(f"/incidents/{incident.id}/samples", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert rows(ImpactSample, incident) == []


def test_paste_csv_long_and_wide(as_responder, incident):
    path = f"/incidents/{incident.id}/samples/csv"
    long_form = ("at,metric,value\n2026-11-16T09:05:00Z,user_reports,120\n"
                 "2026-11-16T09:20:00Z,user_reports,4210\n")
    assert as_responder.post(path, data={"csv-csv": long_form}).status_code == 302
    wide = ("at,percent_restored,error_rate\n2026-11-16T10:00:00Z,40,30\n"
            "2026-11-16T11:00:00Z,95,\n"
            # Re-sending a point corrects it instead of drawing it twice.
            "2026-11-16T09:20:00+00:00,,\n")
    assert as_responder.post(path, data={"csv-csv": wide}).status_code == 302
    stored = {(s.metric, s.at): s.value for s in rows(ImpactSample, incident)}
    assert stored == {("user_reports", at(5)): 120, ("user_reports", at(20)): 4210,
                      ("percent_restored", at(60)): 40, ("error_rate", at(60)): 30,
                      ("percent_restored", at(120)): 95}
    html = page(as_responder, incident)
    assert html.count('class="series"') == 3 * 2  # wide and phone layouts
    assert "5 samples" in html


@pytest.mark.parametrize("text, message", [
    ("", "is required"),
    ("at,metric,value\n", "needs a header line and at least one row"),
    ("when,metric,value\n2026-11-16T09:05:00Z,user_reports,1\n",
     "the first column must be `at`"),
    ("at,metric,value\n2026-11-16T09:05:00Z,user_reports\n", "line 2: expected 3"),
    ("at,metric,value\n2026-11-16T09:05:00Z,user_reports,1\n"
     "2026-11-16T09:06:00Z,user_reports,many\n",
     "user_reports at 2026-11-16T09:06:00Z: value must be a number"),
    ("at,metric,value\n2026-11-16 09:05,user_reports,1\n",
     "at must include a time zone"),
    ("at,Bad Metric!\n2026-11-16T09:05:00Z,1\n", "must be a lowercase name"),
    ("at,metric,value\n" + "x" * 200_000 + ",user_reports,1\n",
     "could not be read: field larger than field limit"),
])
def test_bad_csv_is_refused_and_kept(as_responder, incident, text, message):
    response = as_responder.post(f"/incidents/{incident.id}/samples/csv",
                                 data={"csv-csv": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="csv-csv-error">([^<]*)</p>', html)
    assert error and message in error.group(1).replace("&#39;", "'"), html[-3000:]
    if text.strip():
        assert text.strip().splitlines()[0] in html
        assert len(html) > len(text)  # the pasted text comes back whole
    assert rows(ImpactSample, incident) == []


# ---- roles -----------------------------------------------------------------

@pytest.mark.parametrize("suffix, data", [
    ("updates", {"update-status": "resolved", "update-message": "Viewer says done"}),
    ("events", {"event-text": "Viewer note"}),
    ("events/{event}/edit", {"event-text": "Viewer edit"}),
    ("events/{event}/star", {"tl-key": "true"}),
    ("events/{event}/delete", {}),
    ("samples", {"sample-metric": "user_reports", "sample-value": "1",
                 "sample-at": "2026-11-16T09:05"}),
    ("samples/csv", {"csv-csv": "at,metric,value\n2026-11-16T09:05:00Z,x,1\n"}),
    ("edit", {"title": "Viewer title", "version": "1"}),
])
def test_viewer_gets_403_on_every_write(as_viewer, incident, responder, suffix, data):
    event = events.add(incident, {"text": "Original", "occurred_at": at(5)}, responder)
    db.session.commit()
    path = f"/incidents/{incident.id}/" + suffix.format(event=event.id)
    assert as_viewer.post(path, data=data).status_code == 403
    stored = reload(incident)
    assert stored.title == "Monday outage" and stored.status == "investigating"
    assert stored.version == 1
    assert [(e.text, e.key) for e in rows(TimelineEvent, incident)] == [
        ("Original", False)]
    assert rows(StatusUpdate, incident) == [] and rows(ImpactSample, incident) == []
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 1


# ---- long incidents --------------------------------------------------------

def test_long_timeline_shows_the_newest_entries_and_links_the_rest(
        as_responder, incident, responder, monkeypatch):
    monkeypatch.setattr(incident_page, "TIMELINE_WINDOW", 6)
    monkeypatch.setattr(incident_page, "UPDATES_SHOWN", 2)
    for n in range(8):
        events.add(incident, {"text": f"Event number {n}", "occurred_at": at(10 + n)},
                   responder)
    for n, status in enumerate(["investigating", "identified", "monitoring"]):
        updates.post(incident, {"status": status, "message": f"Update number {n}",
                                "posted_at": at(15 + n * 5 + 0.5)}, responder)
    db.session.commit()
    # Milestones: started, detected, acknowledged (first update), mitigated
    # (monitoring) = 4; 8 events; 3 updates.
    html = page(as_responder, incident)
    timeline_html = html[html.index('id="timeline"'):]
    assert "Showing the latest 6 of 15 entries." in timeline_html
    shown = re.findall(r"Event number (\d)", timeline_html)
    assert shown == ["6", "7"]  # events at 09:16 and 09:17, plus 4 newer entries
    assert timeline_html.count("<li class=") == 6
    updates_html = html[html.index('id="updates"'):html.index('id="timeline"')]
    assert re.findall(r"Update number (\d)", updates_html) == ["2", "1"]
    assert "Showing the latest 2 of 3 updates" in updates_html
    assert f'href="/incidents/{incident.id}/timeline"' in html

    full = as_responder.get(f"/incidents/{incident.id}/timeline")
    full_html = full.get_data(as_text=True)
    assert full.status_code == 200
    assert re.findall(r"Event number (\d)", full_html) == [str(n) for n in range(8)]
    assert full_html.count("Status update: ") == 3
    assert 'name="tl-back" type="hidden" value="timeline"' in full_html


def test_star_from_the_full_timeline_returns_there(as_responder, incident,
                                                   responder):
    event = events.add(incident, {"text": "Found it", "occurred_at": at(9)},
                       responder)
    db.session.commit()
    response = as_responder.post(
        f"/incidents/{incident.id}/events/{event.id}/star",
        data={"tl-key": "true", "tl-back": "timeline"})
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/incidents/{incident.id}/timeline#event-{event.id}")
    assert rows(TimelineEvent, incident)[0].key is True


def test_viewer_reads_the_full_timeline_without_controls(as_viewer, incident,
                                                         responder):
    event = events.add(incident, {"text": "Seen by all", "occurred_at": at(9)},
                       responder)
    db.session.commit()
    html = as_viewer.get(f"/incidents/{incident.id}/timeline").get_data(as_text=True)
    assert "Seen by all" in html
    assert f"/events/{event.id}/star" not in html and parse(html).forms == 1
    assert as_viewer.get("/incidents/999/timeline").status_code == 404


def test_no_op_component_changes_are_not_shown(as_viewer):
    """The demo declares components already down and its first update repeats
    them: the data keeps those changes, the page and the export say nothing
    of them."""
    from postmortem.domain import demo
    from postmortem.domain.exports import service as export_service

    incident = demo.load(None)
    db.session.commit()
    first = db.session.scalars(sa.select(StatusUpdate).where(
        StatusUpdate.incident_id == incident.id).order_by(StatusUpdate.posted_at))
    assert any(c.old_status == c.new_status
               for c in next(iter(first)).component_changes)
    html = as_viewer.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert not re.search(r"Website: major outage → <span[^>]*>major outage<", html)
    assert "iOS app: partial outage → <span" in html  # a real change stays
    exported = export_service.export(export_service.postmortem_of(incident),
                                     "html").decode()
    assert "Website: Major outage → Major outage" not in exported
    assert "iOS app: Partial outage → Major outage" in exported
