"""A NUL character (\\0) anywhere in a request is a 400 or a field error, never a
500, on SQLite and PostgreSQL alike (PostgreSQL cannot store or compare it).

Every route the app serves is called with NUL in its path, in every query
parameter and form field its pages show, and (for the API) in every property
its OpenAPI document lists.
"""

import re
from html.parser import HTMLParser

import pytest

from postmortem.domain import accounts, actions, events, impact, updates
from postmortem.domain.values import Fields
from postmortem.extensions import db
from postmortem.web.input_guard import READ_ONLY_PUBLIC
from tests import factories
from tests.conftest import login

NUL = "bad\x00value"
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


class FormNames(HTMLParser):
    """The names of every input, select and textarea on a page."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea") and name:
            self.names.add(name)


@pytest.fixture
def world(admin, responder):
    """One of everything a route can name."""
    component = factories.component("API", slug="api")
    incident = factories.incident(admin, components=["api"])
    event = events.add(incident, {"text": "alert", "occurred_at": factories.at(5)},
                       admin)
    item = actions.create(incident, {"title": "Follow up", "owner": "ops"}, admin)
    update = updates.post(incident, {"status": "identified", "message": "found",
                                     "posted_at": factories.at(10)}, admin)
    impact.record(incident, {"at": factories.at(6), "metric": "user_reports",
                             "value": 10}, admin)
    token, plain = accounts.create_token(admin, "nul test")
    db.session.commit()
    ids = {"incident_id": incident.id, "event_id": event.id, "action_id": item.id,
           "item_id": item.id, "component_id": component.id, "slug": "api",
           "user_id": responder.id, "token_id": token.id, "update_id": update.id}
    return {"ids": ids, "token": plain}


def url_for_rule(rule, ids, nul_in_path=False) -> str:
    def value(match):
        converter, name = match.group(1) or "", match.group(2)
        if nul_in_path and not converter.startswith(("int", "float")):
            return "a%00b"
        return str(ids.get(name, 1))

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", value, rule.rule)


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def form_field_names(client, app, ids) -> set[str]:
    """Every field name on every page an admin can open."""
    parser = FormNames()
    for rule, method in routes(app):
        if method == "GET" and not rule.rule.startswith("/api/"):
            response = client.get(url_for_rule(rule, ids))
            parser.feed(response.get_data(as_text=True))
    return parser.names - {"csrf_token"}


def openapi_names(document) -> set[str]:
    names = set()
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                names |= {p["name"] for p in operation.get("parameters", [])}
    for schema in document["components"]["schemas"].values():
        names |= set(schema.get("properties", {}))
    return names


def assert_refused(response, where, also=()):
    assert response.status_code in (400, 422, *also), (where, response.status_code,
                                                response.get_data(as_text=True)[:300])
    if response.is_json and response.status_code in (400, 422):
        assert response.get_json()["error"]["fields"], where


def test_nul_in_every_parameter_field_and_path_of_every_route(app, client, admin,
                                                             world):
    login(client, admin)
    ids = world["ids"]
    names = form_field_names(client, app, ids)
    api_names = openapi_names(client.get("/api/v1/openapi.json").get_json())
    # Sanity: the sweep really covers the fields known to have failed.
    assert {"email", "name", "owner", "entity_type", "q", "title"} <= names
    assert {"owner", "q", "title", "slug", "message", "metric"} <= api_names
    everything = dict.fromkeys(names | api_names, NUL)
    bearer = {"Authorization": f"Bearer {world['token']}"}
    checked = 0
    for rule, method in routes(app):
        url = url_for_rule(rule, ids)
        is_api = rule.rule.startswith("/api/")
        headers = bearer if is_api else {}
        where = f"{method} {rule.rule}"
        # Query string: every name at once, and a NUL in a parameter's name.
        # Public read-only pages read no query string: there it is ignored,
        # and the answer is what it would be without one (never a 500).
        ignored = (200, 304, 404) if rule.rule.startswith(READ_ONLY_PUBLIC) else ()
        assert_refused(client.open(url, method=method, query_string=everything,
                                   headers=headers), where + " ?query", also=ignored)
        assert_refused(client.open(url, method=method, headers=headers,
                                   query_string={"a\x00b": "x"}), where + " ?name",
                       also=ignored)
        if "<" in rule.rule and re.search(r"<(?!int)", rule.rule):
            assert_refused(client.open(url_for_rule(rule, ids, nul_in_path=True),
                                       method=method, headers=headers),
                           where + " path", also=(404,))
        if method != "GET":
            assert_refused(client.open(url, method=method, data=everything,
                                       headers=headers), where + " form")
        if is_api and method in ("POST", "PATCH"):
            body = dict.fromkeys(api_names & everything.keys(), NUL)
            assert_refused(client.open(url, method=method, json=body,
                                       headers=headers), where + " json")
            assert_refused(client.open(url, method=method, json=[body],
                                       headers=headers), where + " json list")
        checked += 1
    assert checked > 40


@pytest.mark.parametrize(("method", "path", "data"), [
    ("POST", "/login", {"email": "a\x00@example.com", "password": "x"}),
    ("GET", "/actions?owner=o%00", None),
    ("POST", "/admin/tokens", {"name": "ci\x00bot"}),
    ("GET", "/admin/audit?entity_type=incident%00", None),
])
def test_the_four_that_were_500_on_postgresql(client, admin, method, path, data):
    if path != "/login":
        login(client, admin)
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_api_answers_nul_with_a_json_error(client, admin):
    headers = {"Authorization": f"Bearer {factories.token(admin)}"}
    response = client.get("/api/v1/actions?owner=o%00", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "owner": "must not contain NUL characters"}
    response = client.post("/api/v1/incidents", headers=headers,
                           json={"title": "ok", "tags": ["a\x00"]})
    assert response.status_code == 422
    assert "tags[0]" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("raw", ["a\x00", ["ok", "a\x00"], {"a\x00": "x"},
                                 {"k": "a\x00"}])
def test_fields_refuse_nul_in_text_lists_and_objects(raw):
    fields = Fields({"value": raw})
    fields.strings("value") if isinstance(raw, list) else fields.text("value", 50)
    assert fields.errors["value"] == "must not contain NUL characters"
