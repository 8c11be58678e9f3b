"""The export routes and the import page: who gets what, and 404s."""

import io
import json

import pytest
import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import Incident
from tests import factories
from tests.conftest import login
from tests.domain.exports import records
from tests.domain.exports.test_importer import HAND_WRITTEN


@pytest.fixture
def written(responder):
    return records.written(records.outage(responder, rows=3, items=1), responder)


@pytest.mark.parametrize(("fmt", "mimetype", "start"), [
    ("pdf", "application/pdf", b"%PDF-"),
    ("md", "text/markdown", b"---\nformat: postmortem-export"),
    ("html", "text/html", b"<!doctype html>"),
    ("json", "application/json", b"{"),
])
def test_each_format_for_a_signed_in_user(as_viewer, written, fmt, mimetype, start):
    response = as_viewer.get(f"/incidents/{written.incident_id}/postmortem.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(start)
    disposition = response.headers["Content-Disposition"]
    assert f'filename="postmortem-incident-{written.incident_id}.{fmt}"' in disposition


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("md", "text/markdown; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    ("pdf", "application/pdf"),
])
def test_content_type_names_the_charset_once(as_viewer, written, fmt, content_type):
    response = as_viewer.get(f"/incidents/{written.incident_id}/postmortem.{fmt}")
    assert response.headers["Content-Type"] == content_type


def test_html_export_may_not_run_or_fetch_anything(as_viewer, written):
    response = as_viewer.get(f"/incidents/{written.incident_id}/postmortem.html")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert b"<script" not in response.data


def test_bearer_token(client, written, viewer):
    token = factories.token(viewer)
    response = client.get(f"/incidents/{written.incident_id}/postmortem.json",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert json.loads(response.data)["incident"]["id"] == written.incident_id
    bad = client.get(f"/incidents/{written.incident_id}/postmortem.json",
                     headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_anonymous_is_sent_to_login(client, written):
    response = client.get(f"/incidents/{written.incident_id}/postmortem.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_incident_unknown_format_and_no_postmortem(as_viewer, responder):
    assert as_viewer.get("/incidents/999999/postmortem.pdf").status_code == 404
    assert as_viewer.get("/incidents/99999999999/postmortem.md").status_code == 404
    incident = factories.incident(responder)
    assert as_viewer.get(f"/incidents/{incident.id}/postmortem.docx").status_code == 404
    response = as_viewer.get(f"/incidents/{incident.id}/postmortem.json")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_private_incident_is_404_to_outsiders(client, written, viewer, admin):
    incident = db.session.get(Incident, written.incident_id)
    incident.is_public = False
    db.session.commit()
    login(client, viewer)
    for fmt in ("pdf", "md", "html", "json"):
        response = client.get(f"/incidents/{incident.id}/postmortem.{fmt}")
        assert response.status_code == 404
        assert b"Website and API down" not in response.data
    token = factories.token(viewer)
    assert client.get(f"/incidents/{incident.id}/postmortem.md",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    admin_token = factories.token(admin)
    assert client.get(f"/incidents/{incident.id}/postmortem.md", headers={
        "Authorization": f"Bearer {admin_token}"}).status_code == 200


def test_bad_pdf_variant_is_a_clear_error(as_viewer, written):
    response = as_viewer.get(
        f"/incidents/{written.incident_id}/postmortem.pdf?variant=pdf/x-1a")
    assert response.status_code == 422
    assert "variant" in response.json["error"]["fields"]


def test_import_page(as_responder):
    assert as_responder.get("/incidents/import").status_code == 200
    response = as_responder.post("/incidents/import", data={
        "file": (io.BytesIO(HAND_WRITTEN.encode()), "pm.md")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    incident = db.session.scalar(sa.select(Incident))
    assert response.headers["Location"].endswith(f"/incidents/{incident.id}")
    assert incident.title == "Chat outage of 16 November"


def test_import_page_shows_errors_and_stores_nothing(as_responder):
    response = as_responder.post("/incidents/import", data={
        "file": (io.BytesIO(b"\xff\xfe garbage"), "pm.md")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert b"not UTF-8" in response.data
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 0
    missing = as_responder.post("/incidents/import", data={},
                                content_type="multipart/form-data")
    assert missing.status_code == 422


def test_import_needs_a_responder(as_viewer):
    assert as_viewer.get("/incidents/import").status_code == 403


def test_postmortem_page_links_every_export(as_viewer, written):
    page = as_viewer.get(f"/incidents/{written.incident_id}/postmortem")
    assert page.status_code == 200
    for fmt in ("pdf", "md", "html", "json"):
        assert f"/incidents/{written.incident_id}/postmortem.{fmt}".encode() \
            in page.data
    assert b"variant=pdf/a-3b" in page.data or b"variant=pdf%2Fa-3b" in page.data


def test_incident_list_links_the_import_page(as_responder):
    assert b"/incidents/import" in as_responder.get("/incidents").data
