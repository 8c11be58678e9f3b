"""The on-call experience on the web: no duplicate posts, corrections with
confirmation, templates, preview, the live page's version, errors by label."""

import re

import pytest

from postmortem.domain import events, impact, incident_page, updates
from postmortem.extensions import db
from postmortem.models import (
    Component,
    ImpactSample,
    Incident,
    StatusUpdate,
    TimelineEvent,
    UpdateTemplate,
)
from tests import factories
from tests.factories import at
from tests.web.test_incidents import form_time
from tests.web.test_incidents_page import rows


@pytest.fixture
def incident(responder):
    factories.component("API", slug="api")
    factories.component("Website", slug="website")
    return factories.incident(responder, title="Monday outage",
                              components=["website"])


def update_form(**overrides) -> dict:
    return {"update-submission": "token-1", "update-status": "investigating",
            "update-message": "We are aware.",
            "update-posted_at": form_time(at(12))} | overrides


def html_of(response) -> str:
    return response.get_data(as_text=True)


# ---- no duplicate posts ----------------------------------------------------

def test_the_same_submission_twice_saves_once_and_says_so(as_responder, incident):
    path = f"/incidents/{incident.id}/updates"
    first = as_responder.post(path, data=update_form())
    again = as_responder.post(path, data=update_form())
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert len(rows(StatusUpdate, incident)) == 1
    shown = html_of(as_responder.get(again.headers["Location"]))
    assert "You submitted this form twice; it was saved only once." in shown


def test_back_then_resubmit_with_a_fresh_token_saves_once(as_responder, incident):
    """no-store makes the browser fetch a fresh token but keep the typed text:
    the same content again within the window is a repeat too."""
    path = f"/incidents/{incident.id}/events"
    form = {"event-kind": "note", "event-text": "Paged the DBA",
            "event-occurred_at": form_time(at(8))}
    as_responder.post(path, data=form | {"event-submission": "a"})
    as_responder.post(path, data=form | {"event-submission": "b"})
    assert len(rows(TimelineEvent, incident)) == 1
    as_responder.post(path, data=form | {"event-submission": "c",
                                         "event-text": "Paged the DBA again"})
    assert len(rows(TimelineEvent, incident)) == 2


def test_a_declare_and_a_sample_submitted_twice_save_once(as_responder, incident):
    declare = {"title": "Checkout down", "severity": "SEV2", "impact": "major",
               "status": "investigating", "started_at": form_time(at(0)),
               "submission": "declare-1"}
    assert as_responder.post("/incidents/new", data=declare).status_code == 302
    assert as_responder.post("/incidents/new", data=declare).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Incident.id))) == 2
    sample = {"sample-metric": "user_reports", "sample-value": "12",
              "sample-at": form_time(at(10)), "sample-submission": "s-1"}
    for _ in range(2):
        as_responder.post(f"/incidents/{incident.id}/samples", data=sample)
    assert len(rows(ImpactSample, incident)) == 1


def test_forms_that_create_are_marked_for_one_submission(as_responder, incident):
    html = html_of(as_responder.get(f"/incidents/{incident.id}"))
    forms = re.findall(r"<form[^>]*>", html)
    marked = [f for f in forms if "data-once" in f]
    assert len(marked) == 4  # update, event, sample, CSV
    assert all('autocomplete="off"' in f for f in marked)
    assert html.count('name="update-submission"') == 1
    assert "oncall.js" in html


# ---- corrections -----------------------------------------------------------

def test_edit_an_update_shows_it_edited(as_responder, responder, incident):
    update = updates.post(incident, {"status": "investigating", "message": "Typo",
                                     "posted_at": at(12)}, responder)
    db.session.commit()
    path = f"/incidents/{incident.id}/updates/{update.id}/edit"
    assert 'value="2026-11-16 09:12"' in html_of(as_responder.get(path))
    response = as_responder.post(path, data={
        "status": "identified", "message": "Fixed text",
        "posted_at": form_time(at(10)), "version": str(update.version)})
    assert response.status_code == 302
    stored = rows(StatusUpdate, incident)[0]
    assert (stored.message, stored.status, stored.posted_at) == (
        "Fixed text", "identified", at(10))
    assert db.session.get(Incident, incident.id).acknowledged_at == at(10)
    html = html_of(as_responder.get(f"/incidents/{incident.id}"))
    assert re.search(r'class="edited">edited <time', html)
    stale = as_responder.post(path, data={
        "status": "identified", "message": "Other", "posted_at": form_time(at(10)),
        "version": "1"})
    assert stale.status_code == 409
    assert "changed by someone else" in html_of(stale)


def test_deleting_an_update_asks_first(as_responder, responder, incident):
    update = updates.post(incident, {"status": "resolved", "message": "Done",
                                     "posted_at": at(30)}, responder)
    db.session.commit()
    path = f"/incidents/{incident.id}/updates/{update.id}/delete"
    confirm = as_responder.get(path)
    assert confirm.status_code == 200 and "Delete this status update?" in \
        html_of(confirm)
    assert rows(StatusUpdate, incident) != []
    response = as_responder.post(path, data={"version": str(update.version)})
    assert response.status_code == 302
    assert rows(StatusUpdate, incident) == []
    assert db.session.get(Incident, incident.id).resolved_at is None


def test_deleting_an_event_asks_first_without_javascript(as_responder, responder,
                                                         incident):
    event = events.add(incident, {"text": "Oops", "occurred_at": at(9)}, responder)
    db.session.commit()
    html = html_of(as_responder.get(f"/incidents/{incident.id}"))
    assert f'href="/incidents/{incident.id}/events/{event.id}/delete"' in html
    path = f"/incidents/{incident.id}/events/{event.id}/delete"
    assert "Delete this timeline event?" in html_of(as_responder.get(path))
    assert as_responder.post(path, data={}).status_code == 302
    assert rows(TimelineEvent, incident) == []


def test_viewers_cannot_correct(as_viewer, responder, incident):
    update = updates.post(incident, {"status": "investigating", "message": "m",
                                     "posted_at": at(12)}, responder)
    db.session.commit()
    base = f"/incidents/{incident.id}/updates/{update.id}"
    assert as_viewer.get(base + "/edit").status_code == 403
    assert as_viewer.post(base + "/delete", data={"version": "1"}).status_code == 403
    assert as_viewer.get(f"/incidents/{incident.id}/samples/list").status_code == 403


def test_samples_are_deleted_one_by_one_or_by_range(as_responder, responder,
                                                    incident):
    impact.record(incident, [{"at": at(m), "metric": "user_reports", "value": m}
                             for m in (5, 10, 15, 20)], responder)
    db.session.commit()
    first = rows(ImpactSample, incident)[0]
    base = f"/incidents/{incident.id}/samples"
    assert "user_reports" in html_of(as_responder.get(f"{base}/list"))
    assert as_responder.post(f"{base}/{first.id}/delete").status_code == 302
    response = as_responder.post(f"{base}/list", data={
        "range-metric": "user_reports", "range-start": form_time(at(10)),
        "range-end": form_time(at(15))})
    assert response.status_code == 302, html_of(response)[-3000:]
    assert [s.value for s in rows(ImpactSample, incident)] == [20]


def test_a_percentage_out_of_range_is_refused_by_label(as_responder, incident):
    response = as_responder.post(f"/incidents/{incident.id}/samples", data={
        "sample-metric": "error_rate", "sample-value": "140",
        "sample-at": form_time(at(10))})
    assert response.status_code == 422
    html = html_of(response)
    assert 'class="error-summary' in html
    assert '<a href="#sample-value">Value is a percentage: it must be from 0 to ' \
        '100</a>' in html


# ---- times -----------------------------------------------------------------

def test_a_sample_defaults_to_the_incidents_window(responder):
    old = factories.incident(responder, started_at="2021-03-01T10:00:00Z",
                             detected_at="2021-03-01T10:05:00Z")
    assert incident_page.sample_default(old).year == 2021


def test_a_back_dated_declare_never_shows_years_to_detect(as_responder):
    response = as_responder.post("/incidents/new", data={
        "title": "Written up later", "severity": "SEV3", "impact": "minor",
        "status": "investigating", "started_at": "2021-03-01 10:00"})
    assert response.status_code == 302
    incident = db.session.scalars(db.select(Incident)).one()
    assert incident.detected_at == incident.started_at


def test_a_two_digit_year_is_refused(as_responder):
    response = as_responder.post("/incidents/new", data={
        "title": "T", "severity": "SEV3", "impact": "minor",
        "status": "investigating", "started_at": "0021-03-01 10:00"})
    assert response.status_code == 422
    assert "write the year in full" in html_of(response)


# ---- templates, preview, inline component, live page -----------------------

def test_admins_keep_update_templates_and_responders_use_them(
        client, admin, responder, incident):
    from tests.conftest import login

    login(client, admin)
    response = client.post("/update-templates", data={
        "name": "First post", "status": "investigating",
        "message": "We are aware of issues affecting {components}. "
                   "Next update by {next_update}."})
    assert response.status_code == 302
    template = db.session.scalars(db.select(UpdateTemplate)).one()
    client.post("/logout")
    login(client, responder)
    assert client.post("/update-templates", data={"name": "x"}).status_code == 403
    html = html_of(client.get(f"/incidents/{incident.id}?template={template.id}"))
    assert "We are aware of issues affecting Website. Next update by 20" in html


def test_preview_renders_without_posting(as_responder, incident):
    response = as_responder.post(f"/incidents/{incident.id}/updates",
                                 data=update_form(**{
                                     "update-message": "We are **aware**",
                                     "preview": "1"}))
    assert response.status_code == 200
    assert "<strong>aware</strong>" in html_of(response)
    assert rows(StatusUpdate, incident) == []


def test_affected_components_come_first_on_the_update_form(as_responder, incident):
    html = html_of(as_responder.get(f"/incidents/{incident.id}"))
    composer = html[html.index('aria-label="Post a status update"'):]
    assert composer.index("Website status") < composer.index("API status")


def test_admins_add_a_component_while_declaring(as_admin):
    factories.component("API", slug="api")
    response = as_admin.post("/incidents/new", data={
        "title": "Billing down", "severity": "SEV2", "impact": "major",
        "status": "investigating", "new_component": "Billing"})
    assert response.status_code == 302
    incident = db.session.scalars(db.select(Incident)).one()
    assert [a.component.name for a in incident.affected] == ["Billing"]
    duplicate = as_admin.post("/incidents/new", data={
        "title": "Again", "severity": "SEV2", "impact": "major",
        "status": "investigating", "new_component": "api"})
    assert duplicate.status_code == 422
    assert 'id="new_component-error"' in html_of(duplicate)
    assert db.session.scalar(db.select(db.func.count(Component.id))) == 2


def test_the_version_stamp_changes_with_what_the_page_shows(as_responder,
                                                            responder, incident):
    path = f"/incidents/{incident.id}/version"
    before = as_responder.get(path).get_json()["version"]
    assert as_responder.get(path).get_json()["version"] == before
    events.add(incident, {"text": "Seen", "occurred_at": at(9)}, responder)
    db.session.commit()
    after = as_responder.get(path).get_json()["version"]
    assert after != before
    html = html_of(as_responder.get(f"/incidents/{incident.id}"))
    assert f'data-stamp="{after}"' in html
