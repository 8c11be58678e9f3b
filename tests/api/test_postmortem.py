"""The post-mortem in API v1: /api/v1/incidents/<id>/postmortem."""

import pytest

from postmortem.domain import incidents
from postmortem.domain.postmortem import documents
from postmortem.extensions import db
from postmortem.models import Postmortem
from tests import factories
from tests.api.helpers import Api, assert_error, fresh
from tests.postmortem_data import build_outage, write_everything


def refused(response, status: int, code: str) -> dict:
    """A JSON error with `status` and `code`."""
    error = assert_error(response, status)
    assert error["code"] == code, error
    return error


KEYS = {"id", "incident_id", "state", "is_public", "template", "author", "authors",
        "reviewers", "reviews", "sections", "readiness", "approved_at",
        "approved_by", "published_at", "pdf_sha256", "revision", "version",
        "created_at", "updated_at", "url"}


@pytest.fixture
def outage(responder):
    return build_outage(responder)


@pytest.fixture
def url(outage):
    return f"/api/v1/incidents/{outage.id}/postmortem"


@pytest.fixture
def other_api(client):
    return Api(client, factories.token(factories.user("responder")))


def test_first_get_starts_from_default_template(responder_api, url):
    response = responder_api.get(url)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == KEYS
    assert body["state"] == "draft" and body["template"] == "Google SRE"
    assert [s["key"] for s in body["sections"]][:3] == ["summary", "impact",
                                                       "root_causes"]
    assert body["sections"][1]["body"] == "{{ impact }}\n\n{{ impact_chart }}"
    assert body["author"] is None and body["revision"] == 1
    assert {c["name"]: c["ok"] for c in body["readiness"]}["resolved"] is True


def test_viewer_gets_404_until_started(viewer_api, responder_api, url):
    refused(viewer_api.get(url), 404, "not_found")
    responder_api.get(url)
    assert viewer_api.get(url).status_code == 200
    refused(viewer_api.put(url, json={"version": 1}), 403, "forbidden")


def test_post_starts_once(responder_api, url, responder):
    response = responder_api.post(url)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["author"] == responder.email
    assert response.headers["Location"] == url
    refused(responder_api.post(url, json={}), 409, "conflict")


def test_post_unknown_template(responder_api, url):
    refused(responder_api.post(url, json={"template_id": 999}), 422, "invalid")


def test_put_sections_and_stale_version(responder_api, other_api, url):
    version = responder_api.get(url).get_json()["version"]
    saved = responder_api.put(url, json={"version": version, "sections": [
        {"key": "summary", "body": "# Summary\n\nIt broke."}]})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["version"] > version and body["revision"] == 2
    stale = other_api.put(url, json={"version": version, "sections": [
        {"key": "summary", "body": "Overwrite"}]})
    refused(stale, 409, "conflict")
    assert responder_api.get(url).get_json()["sections"][0]["body"] == \
        "# Summary\n\nIt broke."


def test_put_refuses_bad_input_without_storing(responder_api, url, outage):
    version = responder_api.get(url).get_json()["version"]
    for sections, field in (
            ([{"key": "summary", "body": "x" * 1_000_001}], "sections.summary"),
            ([{"key": "summary", "body": "{{ bogus }}"}], "sections.summary"),
            ([{"key": "nope", "body": "x"}], "sections.nope")):
        response = responder_api.put(url, json={"version": version,
                                                "sections": sections})
        refused(response, 422, "invalid")
        assert field in response.get_json()["error"]["fields"]
    refused(responder_api.put(url, json={"sections": []}), 422, "invalid")
    refused(responder_api.put(url, json={"version": version, "colour": 1}),
                 422, "invalid")
    pm = fresh(Postmortem, responder_api.get(url).get_json()["id"])
    assert pm.section("summary").body == "" and pm.version == version


def test_workflow_over_put(responder_api, other_api, admin_api, url, outage,
                           responder):
    pm = documents.get_or_start(outage, responder)
    db.session.commit()
    write_everything(pm, responder)
    body = responder_api.get(url).get_json()
    # Invalid move: 409; approving your own: 403.
    refused(responder_api.put(url, json={"version": body["version"],
                                              "state": "approved"}), 409, "conflict")
    body = responder_api.put(url, json={"version": body["version"],
                                        "state": "in_review"}).get_json()
    assert body["state"] == "in_review"
    refused(responder_api.put(url, json={"version": body["version"],
                                              "state": "approved"}), 403, "forbidden")
    approved = other_api.put(url, json={"version": body["version"],
                                        "state": "approved", "comment": "LGTM"})
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert body["approved_at"] and body["reviews"][0]["decision"] == "approve"
    refused(other_api.put(url, json={"version": body["version"],
                                          "state": "published"}), 403, "forbidden")
    body = admin_api.put(url, json={"version": body["version"], "state": "published",
                                    "is_public": True}).get_json()
    assert (body["state"], body["is_public"]) == ("published", True)
    # Back to draft needs a reason, and unfreezes.
    refused(admin_api.put(url, json={"version": body["version"],
                                          "state": "draft"}), 422, "invalid")
    body = admin_api.put(url, json={"version": body["version"], "state": "draft",
                                    "reason": "New data",
                                    "sections": [{"key": "trigger",
                                                  "body": "Revised."}]}).get_json()
    assert (body["state"], body["is_public"], body["approved_at"]) == (
        "draft", False, None)
    assert [s["body"] for s in body["sections"] if s["key"] == "trigger"] == [
        "Revised."]


def test_not_ready_is_409_with_what_is_missing(responder_api, other_api, url):
    body = responder_api.get(url).get_json()
    body = responder_api.put(url, json={"version": body["version"],
                                        "state": "in_review"}).get_json()
    response = other_api.put(url, json={"version": body["version"],
                                        "state": "approved"})
    refused(response, 409, "not_ready")
    assert "sections" in response.get_json()["error"]["fields"]


def test_reviewers_over_put(responder_api, url, viewer):
    reviewer = factories.user("responder")
    body = responder_api.get(url).get_json()
    body = responder_api.put(url, json={"version": body["version"],
                                        "reviewers": [reviewer.email]}).get_json()
    assert body["reviewers"] == [reviewer.email]
    refused(responder_api.put(url, json={"version": body["version"],
                                              "reviewers": [viewer.email]}),
                 422, "invalid")


def test_draft_endpoint(responder_api, url):
    body = responder_api.get(url).get_json()
    drafted = responder_api.post(f"{url}/draft", json={"version": body["version"]})
    assert drafted.status_code == 200, drafted.get_json()
    summary = drafted.get_json()["sections"][0]["body"]
    assert summary.startswith("On Monday 16 November 2026 from 09:00 to 11:40 UTC")


def test_private_incident_is_404_to_outsiders(responder_api, admin_api, url,
                                              outage, responder, client):
    responder_api.get(url)
    incidents.update(outage, {"version": outage.version, "is_public": False},
                     factories.user("admin"))
    db.session.commit()
    outsider = Api(client, factories.token(factories.user("responder")))
    refused(outsider.get(url), 404, "not_found")
    refused(outsider.put(url, json={"version": 1}), 404, "not_found")
    assert admin_api.get(url).status_code == 200
