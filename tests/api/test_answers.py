"""Answers that tell the truth: 400 for a malformed body, 405 with Allow, edits
that change only what they name, and a document that says which is which."""

import re

import pytest

from postmortem.api.v1.openapi import DOCUMENT
from postmortem.domain import events, incidents, updates
from postmortem.domain.visibility import SYSTEM
from postmortem.extensions import db
from postmortem.models import Component
from tests import factories
from tests.api.helpers import assert_error, fresh
from tests.api.test_openapi import seed

METHODS = ("get", "post", "put", "patch", "delete")
PATCH_SCHEMAS = ("IncidentPatch", "TimelineEventPatch", "ActionItemPatch",
                 "ComponentPatch")


def concrete(path: str, ids: dict) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def operations(*methods: str):
    for path, item in DOCUMENT["paths"].items():
        for method in item:
            if method in methods:
                yield path, method


@pytest.mark.parametrize("body", [
    '{"title": "unterminated', "", "[1, 2", "null", '"a string"', "42", "true",
    "[]", '[{"title": "a list"}]',
])
def test_malformed_or_non_object_bodies_are_400(admin_api, admin, body):
    ids = seed(admin)
    for path, method in operations("post", "patch"):
        if path.endswith("impact-samples") and body.startswith("[") \
                and body.endswith("]"):
            continue  # a list of samples is documented, and checked per item
        response = admin_api.request(method.upper(), concrete(path, ids), data=body,
                                     content_type="application/json")
        assert_error(response, 400, "body")
        assert "400" in DOCUMENT["paths"][path][method]["responses"]


def test_a_non_json_content_type_is_400(admin_api, admin):
    ids = seed(admin)
    for path, method in operations("post", "patch"):
        response = admin_api.request(method.upper(), concrete(path, ids),
                                     data="title=form", content_type="text/plain")
        assert_error(response, 400, "body")


def test_unsupported_methods_are_405_with_allow(admin_api, admin):
    ids = seed(admin)
    for path, item in DOCUMENT["paths"].items():
        documented = {m.upper() for m in item if m in METHODS}
        for method in {m.upper() for m in METHODS} - documented:
            response = admin_api.request(method, concrete(path, ids))
            assert_error(response, 405)
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert allowed - {"HEAD", "OPTIONS"} == documented, (method, path)


def test_web_pages_send_allow_with_405_too(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_unknown_query_parameters_are_named(viewer_api):
    response = viewer_api.get("/api/v1/incidents?stauts=open")
    assert_error(response, 422, "stauts")


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@pytest.mark.parametrize("name", PATCH_SCHEMAS)
def test_edit_schemas_carry_no_defaults(name):
    schema = DOCUMENT["components"]["schemas"][name]
    assert not [node for node in walk(schema) if "default" in node]


def nullable(schema) -> bool:
    kind = schema.get("type")
    return isinstance(kind, list) and "null" in kind


@pytest.mark.parametrize(("name", "path"), [
    ("IncidentPatch", "/api/v1/incidents/{incident_id}"),
    ("TimelineEventPatch", "/api/v1/incidents/{incident_id}/events/{event_id}"),
    ("ActionItemPatch", "/api/v1/actions/{action_id}"),
    ("ComponentPatch", "/api/v1/components/{slug}"),
])
def test_null_is_accepted_exactly_where_documented(admin_api, admin, name, path):
    properties = DOCUMENT["components"]["schemas"][name]["properties"]
    checked = 0
    for prop, schema in properties.items():
        if schema.get("readOnly") or prop == "version":
            continue
        ids = seed(admin)
        url = concrete(path, ids)
        body = {prop: None}
        current = admin_api.get(url).get_json()
        if "version" in properties:
            body["version"] = current["version"]
        response = admin_api.patch(url, json=body)
        expected = 200 if nullable(schema) else 422
        assert response.status_code == expected, (prop, response.get_json())
        checked += 1
    assert checked >= 4


def generated_client_body(schema_name: str, **named):
    """What a client generated from the document sends: the named fields, plus
    every property the schema gives a default (as openapi-python-client does)."""
    properties = DOCUMENT["components"]["schemas"][schema_name]["properties"]
    defaults = {name: schema["default"] for name, schema in properties.items()
                if "default" in schema}
    return defaults | named


def test_a_generated_client_title_edit_keeps_severity_and_status(responder_api,
                                                                responder):
    incident = factories.incident(responder, severity="SEV1", is_public=False)
    updates.post(incident, {"status": "resolved", "message": "fixed",
                            "posted_at": factories.at(30)}, responder)
    db.session.commit()
    body = generated_client_body("IncidentPatch", title="Renamed",
                                 version=incident.version)
    response = responder_api.patch(f"/api/v1/incidents/{incident.id}", json=body)
    assert response.status_code == 200, response.get_json()
    stored = incidents.get(incident.id, SYSTEM)
    assert (stored.title, stored.severity, stored.status, stored.is_public) == (
        "Renamed", "SEV1", "resolved", False)


def test_a_generated_client_text_fix_keeps_a_starred_mitigation(responder_api,
                                                                responder):
    incident = factories.incident(responder)
    event = events.add(incident, {"text": "rolled bakc", "kind": "mitigation",
                                  "key": True, "occurred_at": factories.at(20)},
                       responder)
    db.session.commit()
    body = generated_client_body("TimelineEventPatch", text="rolled back")
    response = responder_api.patch(
        f"/api/v1/incidents/{incident.id}/events/{event.id}", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() | {"text": "rolled back", "kind": "mitigation",
                                  "key": True} == response.get_json()


def test_a_generated_client_action_edit_keeps_priority_and_status(responder_api,
                                                                 responder, admin):
    ids = seed(admin)
    url = f"/api/v1/actions/{ids['action_id']}"
    responder_api.patch(url, json={"priority": "P1", "status": "in_progress",
                                   "kind": "mitigate"})
    body = generated_client_body("ActionItemPatch", title="Renamed")
    response = responder_api.patch(url, json=body)
    assert response.status_code == 200, response.get_json()
    assert {k: response.get_json()[k] for k in ("title", "priority", "status",
                                                "kind")} == {
        "title": "Renamed", "priority": "P1", "status": "in_progress",
        "kind": "mitigate"}


def test_an_empty_slug_is_refused_as_documented(admin_api):
    pattern = DOCUMENT["components"]["schemas"]["ComponentCreate"]["properties"][
        "slug"]["pattern"]
    assert not re.match(pattern, "")
    assert_error(admin_api.post("/api/v1/components",
                                json={"name": "Web", "slug": ""}), 422, "slug")
    created = admin_api.post("/api/v1/components", json={"name": "Web"})
    assert created.get_json()["slug"] == "web"
    assert_error(admin_api.patch("/api/v1/components/web", json={"slug": " "}),
                 422, "slug")
    assert fresh(Component, created.get_json()["id"]).slug == "web"
