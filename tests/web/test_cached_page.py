"""The incident page is rendered once per change and shared: each reader still
gets their own tokens, sees every change at once, and sees only what their
role and access allow."""

import re

import pytest
import sqlalchemy as sa

from postmortem.diagnostics import counting_queries
from postmortem.domain import page_state, updates
from postmortem.extensions import db
from postmortem.models import CacheEntry, FormSubmission, Incident, StatusUpdate
from tests import factories
from tests.conftest import login
from tests.web.test_security import _app_like, _csrf_login

SUBMISSION = re.compile(r'name="(?:[\w-]*-)?submission" type="hidden" value="([^"]+)"')
CSRF = re.compile(r'name="[\w-]*csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def incident(responder):
    factories.component("API", slug="api")
    return factories.incident(responder, title="Checkout errors", is_public=True)


def body(client, incident) -> str:
    response = client.get(f"/incidents/{incident.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def kept_renders() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CacheEntry).where(
        CacheEntry.key.like("incident-page:%")))


def test_two_readers_share_a_render_but_not_their_tokens(app, incident):
    csrf_app = _app_like(app, WTF_CSRF_ENABLED=True)
    first, second = csrf_app.test_client(), csrf_app.test_client()
    _csrf_login(first, factories.user("responder"))
    _csrf_login(second, factories.user("responder"))
    one, two = body(first, incident), body(second, incident)
    assert kept_renders() == 1
    # Each page's forms carry the reader's own CSRF token...
    assert set(CSRF.findall(one)).isdisjoint(CSRF.findall(two))
    assert len(set(CSRF.findall(two))) == 1
    # ...and fresh one-time submission tokens, one per form, never shared.
    first_tokens, second_tokens = SUBMISSION.findall(one), SUBMISSION.findall(two)
    assert len(first_tokens) >= 3 and len(set(first_tokens)) == len(first_tokens)
    assert set(first_tokens).isdisjoint(second_tokens)
    assert set(second_tokens).isdisjoint(SUBMISSION.findall(body(second, incident)))
    assert "pm-csrf-" not in two and "pm-submission-" not in two


def test_a_form_from_the_shared_render_posts_with_the_readers_tokens(app, incident):
    csrf_app = _app_like(app, WTF_CSRF_ENABLED=True)
    reader = csrf_app.test_client()
    _csrf_login(reader, factories.user("responder"))
    someone = csrf_app.test_client()
    _csrf_login(someone, factories.user("responder"))
    body(someone, incident)  # someone else renders it first
    html = body(reader, incident)
    update_form = html[html.index('aria-label="Post a status update"'):]
    response = reader.post(f"/incidents/{incident.id}/updates", data={
        "update-csrf_token": CSRF.search(update_form)[1],
        "update-submission": SUBMISSION.search(update_form)[1],
        "update-status": "identified", "update-message": "Found the bad deploy.",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(sa.select(sa.func.count(StatusUpdate.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(FormSubmission.id))) == 1


def test_every_change_shows_at_once(as_responder, responder, incident):
    assert "Found the bad deploy" not in body(as_responder, incident)
    updates.post(incident, {"status": "identified",
                            "message": "Found the bad deploy"}, responder)
    db.session.commit()
    assert "Found the bad deploy" in body(as_responder, incident)
    factories.component("Payments", slug="payments")
    assert "Payments" in body(as_responder, incident)


def test_a_viewer_never_gets_a_responders_render(client, app, incident):
    login(client, factories.user("responder"))
    assert "Post update" in body(client, incident)
    reader = app.test_client()
    login(reader, factories.user("viewer"))
    page = body(reader, incident)
    assert "Post update" not in page and "Edit incident" not in page


def test_a_private_incident_is_not_served_from_the_cache_to_outsiders(app, responder):
    private = factories.incident(responder, title="Quiet breach", is_public=False)
    admin = app.test_client()
    login(admin, factories.user("admin"))
    assert "Quiet breach" in body(admin, private)
    outsider = app.test_client()
    login(outsider, factories.user("responder"))
    assert outsider.get(f"/incidents/{private.id}").status_code == 404


def test_a_kept_render_costs_a_few_queries_whatever_the_incident(
        app, as_responder, responder, incident):
    for n in range(30):
        updates.post(incident, {"status": "identified", "message": f"Update {n}"},
                     responder)
    db.session.commit()
    path = f"/incidents/{incident.id}"
    as_responder.get(path)  # render and keep
    with app.app_context(), counting_queries() as counter:
        assert "Update 29" in as_responder.get(path).get_data(as_text=True)
    # The session with its user, the incident, its counters, the kept render.
    assert counter["n"] == 4


def test_text_that_looks_like_a_placeholder_is_shown_as_written(
        as_responder, responder, incident):
    written = "pm-csrf-00112233445566778899aabbccddeeff pm-submission-0123"
    updates.post(incident, {"status": "identified", "message": written}, responder)
    db.session.commit()
    for _ in range(2):  # rendered, then kept
        assert written in body(as_responder, incident)


def test_a_write_landing_mid_request_is_never_kept_under_the_newer_counter(
        as_responder, incident, monkeypatch):
    original = page_state.marks

    def marks_after_a_write(shown):
        # Another worker renames the incident after this request loaded it
        # and before it reads the counters.
        with db.engine.begin() as connection:
            connection.execute(sa.update(Incident).where(Incident.id == shown.id)
                               .values(title="Renamed elsewhere"))
            page_state.bump(connection, [page_state.incident_scope(shown.id)])
        return original(shown)

    monkeypatch.setattr(page_state, "marks", marks_after_a_write)
    as_responder.get(f"/incidents/{incident.id}")
    monkeypatch.setattr(page_state, "marks", original)
    heading = re.search(r"<h1>(.*?)</h1>", body(as_responder, incident), re.S)[1]
    assert "Renamed elsewhere" in heading
