"""The OpenAPI document describes exactly the API the app serves."""

import itertools
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from postmortem.domain import actions, events, impact, updates
from postmortem.extensions import db
from tests import factories

# Enough to reach every branch of the input checks in a few seconds; raise it
# (API_FUZZ_EXAMPLES=200) for a deeper local run.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
# Every check that judges one request on its own. Not positive_data_acceptance:
# the document cannot say that resolved_at comes after started_at, so valid-
# looking data is rightly refused; the stateful checks need sequences of calls.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, response_headers_conformance,
          negative_data_rejection, missing_required_header, unsupported_method,
          allow_header_conformance]
METHODS = {"get", "post", "put", "patch", "delete"}
_seeds = itertools.count(1)


def documented_routes(document) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in document["paths"].items()
            for method in item if method in METHODS}


def served_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_route_is_documented_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert served_routes(app) == documented_routes(document)


def test_path_parameters_match_the_templates(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        declared = {p["name"] for p in item.get("parameters", [])
                    if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path


def refs(node) -> set[str]:
    """Every `$ref` target in a JSON document."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(value) for value in node))
    return set()


def test_document_is_valid_openapi(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    components = schema.raw_schema["components"]
    for target in refs(schema.raw_schema):
        _, section, name = target.removeprefix("#/").split("/")
        assert name in components[section], target
    assert components["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def seed(admin) -> dict[str, object]:
    """Fresh records for path parameters: a run may delete or rename them."""
    component = factories.component(slug=f"seed-{next(_seeds)}")
    incident = factories.incident(admin, components=[component.slug])
    event = events.add(incident, {"text": "alert", "occurred_at": factories.at(5)},
                       admin)
    item = actions.create(incident, {"title": "Follow up"}, admin)
    update = updates.post(incident, {"status": "identified", "message": "Found it",
                                     "posted_at": factories.at(6)}, admin)
    [sample] = impact.record(incident, {"at": factories.at(7), "metric":
                                        "user_reports", "value": 10}, admin)
    member = factories.user("viewer")
    db.session.commit()
    return {"incident_id": incident.id, "event_id": event.id, "action_id": item.id,
            "slug": component.slug, "update_id": update.id, "sample_id": sample.id,
            "user_id": member.id}


def run(operation, mode, headers, path_parameters=None) -> None:
    strategy = operation.as_strategy(generation_mode=mode,
                                     path_parameters=path_parameters)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def call(case):
        # Set on the case, not per call: schemathesis then knows a generated
        # "no Authorization" case was given one, and judges what was sent.
        case.headers = {**(case.headers or {}), **headers}
        case.call_and_validate(checks=CHECKS)

    call()


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode),
                         ids=lambda mode: mode.value)
def test_api_conforms_to_its_document(app, admin, mode):
    """No 5xx, and every response matches its documented status and schema,
    for generated valid and invalid requests, on real records and unknown ids."""
    headers = {"Authorization": f"Bearer {factories.token(admin)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the document's own path; everything else runs.
    tested = {(op.path, op.method.upper()) for op in operations}
    assert tested == documented_routes(schema.raw_schema) - {
        ("/api/v1/openapi.json", "GET")}
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        real = {k: v for k, v in seed(admin).items() if k in names}
        run(operation, mode, headers, real or None)
        if names:
            run(operation, mode, headers)
