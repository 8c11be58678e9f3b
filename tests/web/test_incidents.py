"""The incidents list, declaring and editing, through the web UI."""

import re

import pytest
import sqlalchemy as sa

from postmortem.diagnostics import counting_queries
from postmortem.domain import components, incidents
from postmortem.extensions import db
from postmortem.models import Incident
from tests import factories
from tests.factories import at


def form_time(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def incident_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Incident.id)))


def reload(incident) -> Incident:
    db.session.expire_all()
    return db.session.get(Incident, incident.id)


def cold_get(app, client, path: str) -> tuple[int, str]:
    """(SQL queries, page) of a GET made in a fresh app context.

    Requests otherwise share the test's session, where a lazy load could hide
    behind the identity map; production requests always start cold.
    """
    with app.app_context(), counting_queries() as counter:
        response = client.get(path)
        assert response.status_code == 200
        return counter["n"], response.get_data(as_text=True)


def titles_in(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell">\s*<a href="/incidents/\d+">([^<]+)</a>',
                      html)


# ---- the list --------------------------------------------------------------

def test_list_shows_each_incident_with_its_facts(as_responder, responder):
    factories.component("API", slug="api")
    factories.incident(responder, title="API down", components=[
        {"slug": "api", "status": "major_outage"}], tags=["capacity"],
        is_public=False, severity="SEV1", impact="critical",
        commander=responder.email)
    factories.incident(responder, title="Slow website", started_at=at(60),
                       detected_at=at(61), status="resolved", resolved_at=at(90))

    response = as_responder.get("/incidents")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert titles_in(html) == ["Slow website", "API down"]
    assert "badge-severity-SEV1" in html and "badge-impact-critical" in html
    assert "badge-status-resolved" in html and "badge-status-investigating" in html
    assert ">private</span>" in html
    assert "API<span class=\"visually-hidden\"> (major outage)" in html
    assert 'href="/incidents?tag=capacity"' in html
    assert "2026-11-16 10:00 UTC" in html  # started
    assert '<td class="nowrap">30m</td>' in html  # the resolved one's duration
    ongoing = r'<td class="nowrap">\d+d \d+h \d+m <span class="muted">ongoing'
    assert re.search(ongoing, html)  # days, once past a day
    assert as_responder.get("/").status_code == 200


@pytest.mark.parametrize("query, expected", [
    ("q=database", ["Database failover"]),
    ("q=FAILOVER", ["Database failover"]),
    ("status=resolved", ["Slow website"]),
    ("severity=SEV1", ["Database failover"]),
    ("component=api", ["API errors"]),
    ("tag=capacity", ["API errors"]),
    ("severity=SEV2&component=api", ["API errors"]),
    ("tag=nothing-like-it", []),
])
def test_list_filters(as_responder, responder, query, expected):
    factories.component("API", slug="api")
    factories.incident(responder, title="API errors", components=["api"],
                       tags=["capacity"])
    factories.incident(responder, title="Slow website", severity="SEV4",
                       status="resolved", resolved_at=at(30))
    factories.incident(responder, title="Database failover", severity="SEV1",
                       summary="Primary lost", started_at=at(120),
                       detected_at=at(121))

    response = as_responder.get(f"/incidents?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert titles_in(html) == expected
    if not expected:
        assert "No incident matches these filters." in html


def test_list_keeps_filters_in_the_form(as_responder, responder):
    factories.component("API", slug="api")
    response = as_responder.get("/incidents?q=api&status=identified&component=api")
    html = response.get_data(as_text=True)
    assert 'value="api"' in html
    assert '<option selected value="identified">' in html
    assert '<option selected value="api">API</option>' in html


@pytest.mark.parametrize("query, field", [
    ("status=exploded", "status"),
    ("severity=SEV9", "severity"),
    ("page=0", "page"),
    ("page=two", "page"),
    ("q=" + "x" * 201, "q"),
])
def test_list_bad_filters_are_explained_not_500(as_responder, responder, query, field):
    factories.incident(responder, title="Anything")
    response = as_responder.get(f"/incidents?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Fix the filters above" in html
    assert titles_in(html) == []
    # The message sits beside the field, or at the top for `page`.
    if field == "page":
        assert "page: must be" in html
    else:
        assert f'id="{field}-error"' in html


def test_list_pagination(app, as_responder, responder, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        factories.incident(responder, title=f"Incident number {n}", started_at=at(n),
                           detected_at=at(n), tags=["paged"])

    def links(html):
        return dict(re.findall(r'<a rel="(next|prev)" href="([^"]+)"', html))

    first = as_responder.get("/incidents?tag=paged").get_data(as_text=True)
    assert titles_in(first) == ["Incident number 4", "Incident number 3"]
    assert "Page 1 of 3" in first and "prev" not in links(first)
    assert links(first)["next"].startswith("/incidents?cursor=")
    assert "tag=paged" in links(first)["next"]

    second = as_responder.get(links(first)["next"].replace("&amp;", "&"))
    second = second.get_data(as_text=True)
    assert titles_in(second) == ["Incident number 2", "Incident number 1"]
    back = as_responder.get(links(second)["prev"].replace("&amp;", "&"))
    assert titles_in(back.get_data(as_text=True)) == titles_in(first)

    last = as_responder.get(links(second)["next"].replace("&amp;", "&"))
    last = last.get_data(as_text=True)
    assert titles_in(last) == ["Incident number 0"] and 'rel="next"' not in last

    # Old page= links still work, up to the cap.
    old = as_responder.get("/incidents?tag=paged&page=2").get_data(as_text=True)
    assert titles_in(old) == ["Incident number 2", "Incident number 1"]
    assert "Page 2 of 3" in old
    beyond = as_responder.get("/incidents?tag=paged&page=9")
    assert beyond.status_code == 200
    assert "No incidents on this page." in beyond.get_data(as_text=True)


def test_list_query_count_does_not_grow_with_rows(app, as_responder, responder,
                                                  monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 20)
    factories.component("API", slug="api")
    factories.component("Website", slug="website")

    def declare(n):
        for i in range(n):
            factories.incident(responder, title=f"Row {i}", tags=["a", "b"],
                               regions=["eu"], components=["api", "website"])

    declare(2)
    few, _html = cold_get(app, as_responder, "/incidents")
    declare(18)
    many, html = cold_get(app, as_responder, "/incidents")
    assert len(titles_in(html)) == 20
    assert few == many


def test_viewer_reads_the_list_without_write_links(as_viewer, responder):
    factories.incident(responder, title="Visible to all")
    html = as_viewer.get("/incidents").get_data(as_text=True)
    assert "Visible to all" in html
    assert "Declare incident" not in html


# ---- declaring -------------------------------------------------------------

def declare_form(**overrides) -> dict:
    return {
        "title": "API and website unavailable",
        "summary": "Users see *temporary service disruption*.",
        "severity": "SEV1", "impact": "critical", "status": "investigating",
        "detection_source": "outage_tracker", "is_public": "y",
        "started_at": form_time(at(0)), "detected_at": form_time(at(7)),
        "regions": "eu-west, us-east", "platforms": "web, api",
        "customer_tiers": "free, paid", "tags": "capacity",
        "users_affected": "120000", "percent_users_affected": "35.5",
        "peak_user_reports": "4210", "commander": "",
    } | overrides


def test_declare_form_lists_components_and_users(as_responder, responder):
    api = factories.component("API", slug="api")
    html = as_responder.get("/incidents/new").get_data(as_text=True)
    assert f'name="component_{api.id}"' in html
    assert '<option value="major_outage">Major outage</option>' in html
    assert "Impact started (UTC)" in html and "Detected (UTC)" in html
    assert f'<option value="{responder.email}">' in html


def test_declare_stores_the_incident_and_shows_it(as_responder, responder):
    api = factories.component("API", slug="api")
    web = factories.component("Website", slug="website")
    response = as_responder.post("/incidents/new", data=declare_form(**{
        f"component_{api.id}": "major_outage", f"component_{web.id}": "",
        "commander": responder.email}))
    assert response.status_code == 302
    incident = db.session.scalar(sa.select(Incident))
    assert response.headers["Location"] == f"/incidents/{incident.id}"
    assert incident.title == "API and website unavailable"
    assert (incident.severity, incident.impact, incident.status) == (
        "SEV1", "critical", "investigating")
    assert incident.detection_source == "outage_tracker"
    assert incident.started_at == at(0) and incident.detected_at == at(7)
    assert incident.regions == ["eu-west", "us-east"]
    assert incident.platforms == ["web", "api"]
    assert incident.customer_tiers == ["free", "paid"]
    assert incident.tags == ["capacity"]
    assert incident.users_affected == 120000
    assert incident.percent_users_affected == 35.5
    assert incident.peak_user_reports == 4210
    assert incident.is_public is True
    assert incident.commander_id == responder.id
    assert [(a.component.slug, a.status) for a in incident.affected] == [
        ("api", "major_outage")]

    page = as_responder.get(response.headers["Location"]).get_data(as_text=True)
    assert "API and website unavailable" in page
    assert "<em>temporary service disruption</em>" in page
    assert "Incident #" in page  # the flash


def test_declare_private_incident(as_responder):
    form = declare_form()
    del form["is_public"]
    assert as_responder.post("/incidents/new", data=form).status_code == 302
    assert db.session.scalar(sa.select(Incident)).is_public is False


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", "is required"),
    ({"title": "x" * 201}, "title", "200 characters"),
    ({"summary": "y" * 20_001}, "summary", "20000 characters"),
    ({"severity": "SEV9"}, "severity", "Not a valid choice"),
    ({"impact": "apocalyptic"}, "impact", "Not a valid choice"),
    ({"status": "on_fire"}, "status", "Not a valid choice"),
    ({"detection_source": "psychic"}, "detection_source", "Not a valid choice"),
    ({"detected_at": form_time(at(-30))}, "detected_at",
     "cannot be before the impact started"),
    ({"started_at": "2099-01-01 00:00"}, "started_at", "is in the future"),
    ({"started_at": "yesterday morning"}, "started_at", "must be written YYYY-MM-DD"),
    ({"percent_users_affected": "140"}, "percent_users_affected",
     "must be at most 100"),
    ({"users_affected": "many"}, "users_affected", "must be a number"),
    ({"peak_user_reports": "-4"}, "peak_user_reports", "must be at least 0"),
    ({"tags": ",".join(["t"] * 3 + ["x" * 65])}, "tags", "at most 64 characters"),
    ({"commander": "nobody@example.com"}, "commander", "Not a valid choice"),
])
def test_declare_refuses_bad_input_beside_the_field(as_responder, overrides, field,
                                                     message):
    form = declare_form(summary="My **careful** notes") | overrides
    response = as_responder.post("/incidents/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert incident_count() == 0
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1), html
    # What the user typed comes back, the bad value included.
    assert "My **careful** notes" in html or field == "summary"
    assert 'value="eu-west, us-east"' in html or field == "regions"
    assert 'value="API and website unavailable"' in html or field == "title"
    if field in ("title", "regions", "users_affected", "started_at"):
        assert f'value="{form[field]}' in html  # (times gain :SS)


def test_declare_unknown_component_status_is_refused(as_responder):
    api = factories.component("API", slug="api")
    response = as_responder.post("/incidents/new", data=declare_form(**{
        f"component_{api.id}": "melted"}))
    assert response.status_code == 422
    assert f'id="component_{api.id}-error"' in response.get_data(as_text=True)
    assert incident_count() == 0


def test_viewer_cannot_declare(as_viewer):
    assert as_viewer.get("/incidents/new").status_code == 403
    assert as_viewer.post("/incidents/new", data=declare_form()).status_code == 403
    assert incident_count() == 0


def test_signed_out_people_are_sent_to_login(client, responder):
    incident = factories.incident(responder)
    for path in ("/incidents", f"/incidents/{incident.id}", "/incidents/new"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    response = client.post(f"/incidents/{incident.id}/events", data={
        "event-text": "sneaky"})
    assert response.status_code == 302
    assert reload(incident).version == 1


# ---- editing ---------------------------------------------------------------

def edit_form(incident, **overrides) -> dict:
    return declare_form(title=incident.title, started_at=form_time(incident.started_at),
                        detected_at=form_time(incident.detected_at),
                        version=str(incident.version)) | overrides


def test_edit_form_is_filled_from_the_incident(as_responder, responder):
    api = factories.component("API", slug="api")
    incident = factories.incident(responder, title="Checkout errors",
                                  components=[{"slug": "api",
                                               "status": "degraded_performance"}],
                                  regions=["eu-west", "ap-south"], commander=None,
                                  acknowledged_at=at(9))
    html = as_responder.get(f"/incidents/{incident.id}/edit").get_data(as_text=True)
    assert 'value="Checkout errors"' in html
    assert 'value="eu-west, ap-south"' in html
    assert 'name="acknowledged_at" placeholder="YYYY-MM-DD HH:MM" size="19" ' \
        'spellcheck="false" type="text" value="2026-11-16 09:09"' in html
    assert "Resolved (UTC)" in html and "Mitigated (UTC)" in html
    assert re.search(rf'<select id="component_{api.id}" name="component_{api.id}">'
                     r'.*?<option selected value="degraded_performance">', html,
                     re.S)
    assert 'name="version" type="hidden" value="1"' in html


def test_edit_saves_fields_and_milestones(as_responder, responder):
    incident = factories.incident(responder, title="Before")
    response = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, title="After", acknowledged_at=form_time(at(10)),
        mitigated_at=form_time(at(50)), resolved_at=form_time(at(80)),
        status="resolved", tags="db, failover"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/incidents/{incident.id}"
    stored = reload(incident)
    assert stored.title == "After"
    assert (stored.acknowledged_at, stored.mitigated_at, stored.resolved_at) == (
        at(10), at(50), at(80))
    assert stored.status == "resolved"
    assert stored.tags == ["db", "failover"]
    assert stored.version == 2
    assert incidents.durations(stored)["total"] == 80 * 60


def test_reopening_in_the_edit_form_clears_resolution(as_responder, responder):
    """The form still shows the old resolution time: changing only the status
    reopens the incident, as a status update would, components included."""
    api = factories.component("API", slug="api")
    incident = factories.incident(responder, status="resolved", resolved_at=at(80),
                                  components=[{"slug": "api",
                                               "status": "major_outage"}])
    assert components.current_statuses() == {}
    response = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, status="investigating", resolved_at=form_time(at(80)),
        **{f"component_{api.id}": "major_outage"}))
    assert response.status_code == 302
    stored = reload(incident)
    assert (stored.status, stored.resolved_at) == ("investigating", None)
    assert incidents.durations(stored)["total"] is None
    assert components.current_statuses() == {api.id: "major_outage"}


def test_a_new_resolution_time_needs_the_resolved_status(as_responder, responder):
    incident = factories.incident(responder)
    response = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, status="monitoring", resolved_at=form_time(at(80))))
    assert response.status_code == 422
    assert 'id="resolved_at-error"' in response.get_data(as_text=True)
    assert reload(incident).resolved_at is None


def test_edit_with_a_stale_version_keeps_typed_text_and_changes_nothing(
        as_responder, responder):
    incident = factories.incident(responder, title="Original", tags=["one"])
    # Someone else saves first: the stored version moves to 2.
    incidents.update(incident, {"title": "Their title", "version": 1}, responder)
    db.session.commit()

    response = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, title="My title", summary="My long analysis", version="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else" in html
    assert 'value="My title"' in html and "My long analysis" in html
    # The stored values are shown so they can be reconciled.
    assert re.search(r'<th scope="row">Title</th><td class="stored">Their title</td>'
                     r"<td>My title</td>", html)
    stored = reload(incident)
    assert stored.title == "Their title" and stored.summary == ""
    assert stored.version == 2
    # Having seen the current values, saving again is deliberate and works.
    assert 'name="version" type="hidden" value="2"' in html
    again = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, title="My title", version="2"))
    assert again.status_code == 302
    assert reload(incident).title == "My title"


@pytest.mark.parametrize("overrides, field", [
    ({"resolved_at": form_time(at(-5))}, "resolved_at"),
    ({"mitigated_at": form_time(at(90)), "resolved_at": form_time(at(60))},
     "mitigated_at"),
    ({"title": ""}, "title"),
    ({"started_at": ""}, "started_at"),
    ({"version": ""}, "version"),
])
def test_edit_bad_input_keeps_text_and_changes_nothing(as_responder, responder,
                                                      overrides, field):
    incident = factories.incident(responder, title="Stored title")
    response = as_responder.post(f"/incidents/{incident.id}/edit", data=edit_form(
        incident, summary="Typed summary", **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Typed summary" in html
    if field == "version":
        assert "Version: is required" in html
    else:
        assert f'id="{field}-error"' in html
    stored = reload(incident)
    assert stored.title == "Stored title" and stored.summary == ""
    assert stored.resolved_at is None and stored.version == 1


def test_viewer_cannot_edit(as_viewer, responder):
    incident = factories.incident(responder, title="Stored title")
    assert as_viewer.get(f"/incidents/{incident.id}/edit").status_code == 403
    response = as_viewer.post(f"/incidents/{incident.id}/edit",
                              data=edit_form(incident, title="Viewer title"))
    assert response.status_code == 403
    assert reload(incident).title == "Stored title"


@pytest.mark.parametrize("method, path", [
    ("get", "/incidents/999"),
    ("get", "/incidents/999/edit"),
    ("post", "/incidents/999/edit"),
    ("post", "/incidents/999/updates"),
    ("post", "/incidents/999/events"),
    ("post", "/incidents/999/samples"),
    ("post", "/incidents/999/samples/csv"),
    ("get", "/incidents/99999999999999999999"),
    ("get", "/incidents/abc"),
])
def test_unknown_incident_is_404(as_responder, method, path):
    response = getattr(as_responder, method)(path, data={})
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
