"""The OpenAPI 3.1 document of API v1, written by hand to match the views.

tests/api/test_openapi.py checks that every route is described and runs
schemathesis against the app, so a view and its description cannot drift
apart unnoticed.
"""

import re
from typing import Any

from flask import request

from postmortem.api.v1 import MAX_PER_PAGE, bp
from postmortem.domain.errors import ValidationError
from postmortem.domain.impact import MAX_SAMPLES, METRIC_RE
from postmortem.domain.values import SLUG_RE
from postmortem.domain.vocabulary import (
    ACTION_KINDS,
    ACTION_STATUSES,
    COMPONENT_STATUSES,
    DETECTION_SOURCES,
    EVENT_KINDS,
    IMPACTS,
    INCIDENT_STATUSES,
    PRIORITIES,
    SEVERITIES,
)

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null; for an enum, null joins the allowed values."""
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def enum(values: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values), **extra}


def text(max_length: int, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, **extra}


def obj(properties: dict[str, Any], required: tuple[str, ...] = (),
        read_only: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A closed object: unknown properties are refused with a 422.

    `read_only` properties are what GET returns; sent back, they are ignored.
    """
    props = dict(properties)
    props.update({name: {"readOnly": True} for name in read_only})
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema | extra


def closed(properties: dict[str, Any]) -> dict[str, Any]:
    """A response object whose every property is always present."""
    return {"type": "object", "properties": properties,
            "required": list(properties), "additionalProperties": False}


def edit(properties: dict[str, Any], keep_value: tuple[str, ...] = ()
         ) -> dict[str, Any]:
    """The properties of an edit (PATCH) body, from those of a create body.

    An edit changes only what it names, so nothing has a default: a client
    generated from this document must not send "SEV3" or "note" on every edit.
    A property that has a default on create (and `keep_value`, those defaulting
    to now) cannot be cleared: null is refused for it, so null is not listed.
    """
    out = {}
    for name, schema in properties.items():
        if name in keep_value or "default" in schema:
            schema = not_null(schema)
        if name in keep_value:
            schema["description"] = "ISO 8601 with a zone; cannot be cleared"
        # Absent from an edit means "unchanged", never the create default.
        out[name] = without_defaults({key: value for key, value in schema.items()
                                      if key != "default"})
    return out


def without_defaults(node: Any) -> Any:
    """`node` with every `default` said in words instead (items of a list that
    an edit replaces still get the server's default for what they leave out)."""
    if isinstance(node, list):
        return [without_defaults(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: without_defaults(value) for key, value in node.items()
           if key != "default"}
    if "default" in node and node["default"] is not None:
        out["description"] = " ".join(filter(None, [
            node.get("description"), f"(if absent: {node['default']})"]))
    return out


def not_null(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        out["type"] = types[0] if len(types) == 1 else types
    if "enum" in out:
        out["enum"] = [value for value in out["enum"] if value is not None]
    return out


TIME = {"type": "string", "format": "date-time",
        "description": "ISO 8601 with a zone, e.g. 2026-11-16T09:00:00Z"}
TIME_IN = TIME | {"description": "ISO 8601 with a zone (Z or +00:00); a time "
                                 "without one is refused, as is one in the future."}
SECONDS = {"type": ["integer", "null"], "description": "seconds since started_at"}
LABELS = {"type": "array", "maxItems": 50, "items": text(64),
          "description": "labels; a comma-separated string is accepted too"}
VERSION = {"type": "integer", "description": "the version the edit is based on; "
                                             "a stale one gets a 409"}

SCHEMAS: dict[str, Any] = {
    "Error": closed({"error": closed({
        "code": {"type": "string", "examples": ["invalid", "not_found", "conflict"]},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "bad field name -> what is wrong with it"},
    })}),
    "AffectedComponent": closed({"slug": {"type": "string"},
                                 "status": enum(COMPONENT_STATUSES)}),
    "Durations": closed(dict.fromkeys(
        ("to_detect", "to_acknowledge", "to_mitigate", "to_resolve", "total"),
        SECONDS)),
    "Incident": closed({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "severity": enum(SEVERITIES),
        "impact": enum(IMPACTS),
        "status": enum(INCIDENT_STATUSES),
        "started_at": TIME,
        "detected_at": nullable(TIME),
        "acknowledged_at": nullable(TIME),
        "mitigated_at": nullable(TIME),
        "resolved_at": nullable(TIME),
        "detection_source": nullable(enum(DETECTION_SOURCES)),
        "is_public": {"type": "boolean"},
        "commander": {"type": ["string", "null"], "description": "email"},
        "components": {"type": "array", "items": ref("AffectedComponent")},
        "regions": {"type": "array", "items": {"type": "string"}},
        "platforms": {"type": "array", "items": {"type": "string"}},
        "customer_tiers": {"type": "array", "items": {"type": "string"}},
        "users_affected": {"type": ["integer", "null"]},
        "percent_users_affected": {"type": ["number", "null"]},
        "peak_user_reports": {"type": ["integer", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "version": {"type": "integer"},
        "durations": ref("Durations"),
        "created_at": TIME,
        "updated_at": TIME,
        "url": {"type": "string"},
    }),
    "IncidentList": closed({
        "items": {"type": "array", "items": ref("Incident")},
        "per_page": {"type": "integer"},
        "total": {"type": ["integer", "null"],
                  "description": "null when counting stopped early"},
        "total_more_than": {"type": ["integer", "null"],
                            "description": "with a null total: at least this many"},
        "page": {"type": ["integer", "null"],
                 "description": "set when paged by page number"},
        "pages": {"type": ["integer", "null"]},
        "next": {"type": ["string", "null"], "description": "URL of the next page"},
        "prev": {"type": ["string", "null"],
                 "description": "URL of the previous page"},
    }),
    "StatusUpdate": closed({
        "id": {"type": "integer"},
        "incident_id": {"type": "integer"},
        "status": enum(INCIDENT_STATUSES),
        "message": {"type": "string"},
        "message_html": {"type": "string", "description": "sanitised HTML"},
        "posted_at": TIME,
        "component_statuses": {"type": "object",
                               "additionalProperties": enum(COMPONENT_STATUSES)},
        "component_changes": {"type": "array", "items": closed({
            "slug": {"type": "string"},
            "old_status": {"type": ["string", "null"]},
            "new_status": enum(COMPONENT_STATUSES)})},
        "author": {"type": ["string", "null"]},
        "created_at": TIME,
    }),
    "TimelineEvent": closed({
        "id": {"type": "integer"},
        "incident_id": {"type": "integer"},
        "occurred_at": TIME,
        "kind": enum(EVENT_KINDS),
        "text": {"type": "string"},
        "text_html": {"type": "string", "description": "sanitised HTML"},
        "key": {"type": "boolean"},
        "author": {"type": ["string", "null"]},
        "created_at": TIME,
    }),
    "ImpactSample": closed({
        "id": {"type": "integer"},
        "incident_id": {"type": "integer"},
        "at": TIME,
        "metric": {"type": "string"},
        "value": {"type": "number"},
    }),
    "ActionItem": closed({
        "id": {"type": "integer"},
        "incident_id": {"type": "integer"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "owner": {"type": "string"},
        "kind": enum(ACTION_KINDS),
        "priority": enum(PRIORITIES),
        "status": enum(ACTION_STATUSES),
        "due_date": {"type": ["string", "null"], "format": "date"},
        "tracker_url": {"type": ["string", "null"]},
        "completed_at": nullable(TIME),
        "overdue": {"type": "boolean"},
        "version": {"type": "integer"},
        "created_at": TIME,
        "updated_at": TIME,
        "url": {"type": "string"},
    }),
    "ActionItemList": closed({
        "items": {"type": "array", "items": ref("ActionItem")},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "pages": {"type": "integer"},
    }),
    "Component": closed({
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "slug": {"type": "string"},
        "description": {"type": "string"},
        "group": {"type": ["string", "null"]},
        "position": {"type": "integer"},
        "status": enum(COMPONENT_STATUSES,
                       description="derived from the open incidents the caller "
                                   "may see"),
        "created_at": TIME,
        "updated_at": TIME,
    }),
}
for _name in ("StatusUpdate", "TimelineEvent", "ImpactSample", "ActionItem",
              "Component"):
    SCHEMAS[_name + "Items"] = closed({"items": {"type": "array",
                                                 "items": ref(_name)}})

INCIDENT_INPUT = {
    "title": text(200, minLength=1),
    "summary": nullable(text(20_000, description="Markdown")),
    "severity": nullable(enum(SEVERITIES, default="SEV3")),
    "impact": nullable(enum(IMPACTS, default="minor")),
    "status": nullable(enum(INCIDENT_STATUSES, default="investigating")),
    "started_at": nullable(TIME_IN | {"description": "defaults to now"}),
    "detected_at": nullable(TIME_IN),
    "acknowledged_at": nullable(TIME_IN),
    "mitigated_at": nullable(TIME_IN),
    "resolved_at": nullable(TIME_IN),
    "detection_source": nullable(enum(DETECTION_SOURCES)),
    "is_public": {"type": ["boolean", "null"], "default": True},
    "commander": nullable(text(254, description="a user's email")),
    "components": {"type": ["array", "null"], "items": {"oneOf": [
        {"type": "string", "description": "component slug"},
        {"type": "object", "required": ["slug"], "properties": {
            "slug": {"type": "string"},
            "status": nullable(enum(COMPONENT_STATUSES, default="partial_outage"))}},
    ]}, "description": "replaces the affected components"},
    "regions": nullable(LABELS),
    "platforms": nullable(LABELS),
    "customer_tiers": nullable(LABELS),
    "tags": nullable(LABELS),
    "users_affected": {"type": ["integer", "null"], "minimum": 0,
                       "maximum": 10**12},
    "percent_users_affected": {"type": ["number", "null"], "minimum": 0,
                               "maximum": 100},
    "peak_user_reports": {"type": ["integer", "null"], "minimum": 0,
                          "maximum": 10**9},
}
INCIDENT_READ_ONLY = ("id", "durations", "created_at", "updated_at", "url")
SCHEMAS["IncidentCreate"] = obj(INCIDENT_INPUT, ("title",),
                                INCIDENT_READ_ONLY + ("version",))
SCHEMAS["IncidentPatch"] = obj(edit(INCIDENT_INPUT, ("started_at",))
                               | {"version": VERSION}, ("version",),
                               INCIDENT_READ_ONLY)
SCHEMAS["StatusUpdateCreate"] = obj({
    "status": enum(INCIDENT_STATUSES),
    "message": text(20_000, minLength=1, description="Markdown, public"),
    "posted_at": nullable(TIME_IN | {"description": "defaults to now"}),
    "component_statuses": {"type": ["object", "null"],
                           "additionalProperties": enum(COMPONENT_STATUSES),
                           "description": "component slug -> its new status"},
}, ("status", "message"), ("id", "incident_id", "message_html", "author",
                           "created_at"))
EVENT_INPUT = {
    "occurred_at": nullable(TIME_IN | {"description": "defaults to now"}),
    "kind": nullable(enum(EVENT_KINDS, default="note")),
    "text": text(10_000, minLength=1, description="Markdown, internal"),
    "key": {"type": ["boolean", "null"], "default": False,
            "description": "starred: goes into the post-mortem"},
}
EVENT_READ_ONLY = ("id", "incident_id", "text_html", "author", "created_at")
SCHEMAS["TimelineEventCreate"] = obj(EVENT_INPUT, ("text",), EVENT_READ_ONLY)
SCHEMAS["TimelineEventPatch"] = obj(edit(EVENT_INPUT, ("occurred_at",)), (),
                                    EVENT_READ_ONLY)
SCHEMAS["ImpactSampleCreate"] = obj({
    "at": TIME_IN,
    "metric": {"type": "string", "pattern": METRIC_RE.pattern,
               "examples": ["user_reports", "error_rate", "percent_restored"]},
    "value": {"type": "number", "minimum": -1e15, "maximum": 1e15},
}, ("at", "metric", "value"), ("id", "incident_id"))
ACTION_INPUT = {
    "title": text(200, minLength=1),
    "description": nullable(text(10_000)),
    "owner": nullable(text(120)),
    "kind": nullable(enum(ACTION_KINDS, default="prevent")),
    "priority": nullable(enum(PRIORITIES, default="P2")),
    "status": nullable(enum(ACTION_STATUSES, default="open")),
    # Forms send "" for an empty date; the API takes it too, as "no due date".
    "due_date": {"type": ["string", "null"],
                 "anyOf": [{"format": "date"}, {"maxLength": 0}]},
    "tracker_url": {"type": ["string", "null"], "format": "uri", "maxLength": 500,
                    "description": "http(s) only"},
}
ACTION_READ_ONLY = ("id", "incident_id", "completed_at", "overdue", "created_at",
                    "updated_at", "url")
SCHEMAS["ActionItemCreate"] = obj(ACTION_INPUT, ("title",),
                                  ACTION_READ_ONLY + ("version",))
SCHEMAS["ActionItemPatch"] = obj(edit(ACTION_INPUT) | {"version": VERSION | {
    "description": "optional; if sent, a stale one gets a 409"}}, (),
    ACTION_READ_ONLY)
COMPONENT_INPUT = {
    "name": text(100, minLength=1),
    "slug": nullable({"type": "string", "pattern": SLUG_RE.pattern,
                      "maxLength": 64, "description": "made from the name if absent"}),
    "description": nullable(text(2000)),
    "group": nullable(text(100)),
    "position": {"type": ["integer", "null"], "minimum": 0, "maximum": 10_000},
}
COMPONENT_READ_ONLY = ("id", "status", "created_at", "updated_at")
SCHEMAS["ComponentCreate"] = obj(COMPONENT_INPUT, ("name",), COMPONENT_READ_ONLY)
SCHEMAS["ComponentPatch"] = obj(edit(COMPONENT_INPUT, ("position",)), (),
                                COMPONENT_READ_ONLY)

ERRORS = {
    "400": "Malformed JSON, a body that is not a JSON object (or list, where "
           "one is accepted), or a missing or stale CSRF token (session "
           "authentication only)",
    "401": "No token, a malformed Authorization header, or a revoked token",
    "403": "Your role is too small for this",
    "404": "No such resource",
    "409": "Stale `version`: someone else changed it since you read it",
    "422": "Invalid input; `fields` names each bad field",
}
RESPONSES = {status: {"description": text_, "content": {JSON: {"schema": ref("Error")}}}
             for status, text_ in ERRORS.items()}


def error_refs(*statuses: str) -> dict[str, Any]:
    return {s: {"$ref": f"#/components/responses/E{s}"} for s in statuses}


def ok(schema: str, status: str = "200", description: str = "OK",
       location: bool = False) -> dict[str, Any]:
    response = {"description": description,
                "content": {JSON: {"schema": ref(schema)}}}
    if location:
        response["headers"] = {"Location": {"schema": {"type": "string"},
                                            "description": "URL of the new resource"}}
    return {status: response}


def body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": ref(schema)}}}


def read(summary: str, schema: str, *errors: str, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, **extra,
            "responses": ok(schema) | error_refs("401", *errors)}


def write(summary: str, request: str, responses: dict[str, Any],
          *errors: str) -> dict[str, Any]:
    return {"summary": summary, "requestBody": body(request),
            "responses": responses | error_refs("400", "401", "403", *errors,
                                                "422")}


def delete(summary: str) -> dict[str, Any]:
    return {"summary": summary, "responses": {"204": {"description": "Deleted"}}
            | error_refs("400", "401", "403", "404")}


def path_param(name: str, schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "example": example}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


ID = {"type": "integer", "minimum": 0}
INCIDENT_ID = path_param("incident_id", ID, 1)
EVENT_ID = path_param("event_id", ID, 1)
ACTION_ID = path_param("action_id", ID, 1)
SLUG = path_param("slug", {"type": "string", "pattern": SLUG_RE.pattern}, "api")
PAGE = query("page", {"type": "integer", "minimum": 1, "maximum": 100_000},
             "page number, from 1")
PER_PAGE = query("per_page", {"type": "integer", "minimum": 1,
                              "maximum": MAX_PER_PAGE}, "page size (default 25)")
INCIDENT_FILTERS = [
    query("q", text(200), 'full text: words, "a phrase", -word to leave out; '
                          "best match first"),
    query("status", enum(INCIDENT_STATUSES), "incident status"),
    query("severity", enum(SEVERITIES), "severity"),
    query("component", text(64), "slug of an affected component"),
    query("tag", text(64), "a tag"),
    query("public", {"type": "boolean"}, "only public (true) or private (false)"),
    query("cursor", text(500), "opaque position from a `next` or `prev` link"),
    query("page", {"type": "integer", "minimum": 1, "maximum": 100},
          "page number, from 1 (old links; follow `next` beyond page 100)"),
    PER_PAGE,
]
P = "/api/v1"
INCIDENT = f"{P}/incidents/{{incident_id}}"

PATHS: dict[str, Any] = {
    f"{P}/incidents": {
        "get": read("List incidents, newest first", "IncidentList", "422",
                    parameters=INCIDENT_FILTERS),
        "post": write("Declare an incident", "IncidentCreate",
                      ok("Incident", "201", "Declared", location=True)),
    },
    INCIDENT: {
        "parameters": [INCIDENT_ID],
        "get": read("Get an incident", "Incident", "404"),
        "patch": write("Edit an incident (optimistic locking with version)",
                       "IncidentPatch", ok("Incident"), "404", "409"),
    },
    f"{INCIDENT}/updates": {
        "parameters": [INCIDENT_ID],
        "get": read("List status updates, newest first", "StatusUpdateItems", "404"),
        "post": write("Post a status update", "StatusUpdateCreate",
                      ok("StatusUpdate", "201", "Posted"), "404", "409"),
    },
    f"{INCIDENT}/events": {
        "parameters": [INCIDENT_ID],
        "get": read("List timeline events, oldest first", "TimelineEventItems",
                    "404"),
        "post": write("Log a timeline event", "TimelineEventCreate",
                      ok("TimelineEvent", "201", "Logged", location=True), "404"),
    },
    f"{INCIDENT}/events/{{event_id}}": {
        "parameters": [INCIDENT_ID, EVENT_ID],
        "get": read("Get a timeline event", "TimelineEvent", "404"),
        "patch": write("Correct a timeline event", "TimelineEventPatch",
                       ok("TimelineEvent"), "404"),
        "delete": delete("Delete a timeline event"),
    },
    f"{INCIDENT}/impact-samples": {
        "parameters": [INCIDENT_ID],
        "get": read("List impact samples by metric and time", "ImpactSampleItems",
                    "404"),
        "post": {
            **write("Record impact samples (one object or a list)",
                    "ImpactSampleCreate", ok("ImpactSampleItems", "201",
                                             "The stored samples"), "404"),
            "requestBody": {"required": True, "content": {JSON: {"schema": {
                "oneOf": [ref("ImpactSampleCreate"),
                          {"type": "array", "items": ref("ImpactSampleCreate"),
                           "minItems": 1, "maxItems": MAX_SAMPLES}]}}}},
        },
    },
    f"{INCIDENT}/actions": {
        "parameters": [INCIDENT_ID],
        "get": read("List an incident's action items", "ActionItemItems", "404"),
        "post": write("Add an action item", "ActionItemCreate",
                      ok("ActionItem", "201", "Added", location=True), "404"),
    },
    f"{P}/actions": {
        "get": read("Open action items across incidents, soonest due first",
                    "ActionItemList", "422", parameters=[
                        query("owner", text(120), "only this owner's items"),
                        PAGE, PER_PAGE]),
    },
    f"{P}/actions/{{action_id}}": {
        "parameters": [ACTION_ID],
        "get": read("Get an action item", "ActionItem", "404"),
        "patch": write("Change an action item", "ActionItemPatch", ok("ActionItem"),
                       "404", "409"),
    },
    f"{P}/components": {
        "get": read("List components with their current status", "ComponentItems"),
        "post": write("Add a component (admin)", "ComponentCreate",
                      ok("Component", "201", "Added", location=True)),
    },
    f"{P}/components/{{slug}}": {
        "parameters": [SLUG],
        "get": read("Get a component", "Component", "404"),
        "patch": write("Change a component (admin)", "ComponentPatch",
                       ok("Component"), "404"),
        "delete": delete("Delete a component (admin)"),
    },
    f"{P}/openapi.json": {
        "get": {"summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {JSON: {"schema": {
                                          "type": "object"}}}}}},
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "postmortem API",
        "version": "1",
        "description": (
            "Incidents, status updates, timeline events, impact samples, action "
            "items and components. Authenticate with `Authorization: Bearer "
            "<token>` (create one in the web UI or with `flask create-token`); "
            "the web session works too, with its CSRF token in `X-CSRFToken` "
            "for writes. Viewers read; responders write incidents and what "
            "hangs off them; admins write components. Times are ISO 8601 with "
            "a zone. Errors are `{\"error\": {\"code\", \"message\", "
            "\"fields\"}}`; nothing is stored when a request is refused."
        ),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "an API token (pm_…)"}},
        "schemas": SCHEMAS,
        "responses": {f"E{status}": response for status, response in RESPONSES.items()},
    },
}


def _operation() -> dict[str, Any] | None:
    rule = request.url_rule
    if rule is None:
        return None
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    return PATHS.get(path, {}).get(request.method.lower())


@bp.before_request
def refuse_unknown_query_parameters():
    """A misspelt filter (`?stauts=open`) must not quietly list everything."""
    operation = _operation()
    if operation is None:
        return
    known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    unknown = sorted(name for name in request.args if name not in known)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown or ["(unnamed)"],
                                            "is not a known query parameter"))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document; open to all, so tools can read it before a token."""
    return DOCUMENT


# Incident members (who may see a private incident); kept in one block.
SCHEMAS["IncidentMember"] = closed({
    "user_id": {"type": "integer"},
    "email": {"type": "string"},
    "name": {"type": "string"},
    "role": enum(("viewer", "responder", "admin")),
    "added_at": TIME,
})
SCHEMAS["IncidentMemberItems"] = closed({"items": {"type": "array",
                                                   "items": ref("IncidentMember")}})
SCHEMAS["IncidentMemberAdd"] = obj(
    {"email": text(254, minLength=1, description="the person's sign-in email"),
     "user_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
    read_only=("name", "role", "added_at"),
    anyOf=[{"required": ["email"]}, {"required": ["user_id"]}],
    description="Who to add: `email` or `user_id`. While the incident is "
                "private, only admins, its commander and its members see it.")
PATHS[f"{INCIDENT}/members"] = {
    "parameters": [INCIDENT_ID],
    "get": read("List the people added to an incident", "IncidentMemberItems",
                "404"),
    "post": write("Add someone to an incident", "IncidentMemberAdd",
                  ok("IncidentMember", "201", "Added"), "404"),
}
PATHS[f"{INCIDENT}/members/{{user_id}}"] = {
    "parameters": [INCIDENT_ID, path_param("user_id", ID, 1)],
    "delete": delete("Take someone off an incident"),
}


# --- On-call corrections and Idempotency-Key (issue 8) ---
SCHEMAS["StatusUpdate"]["properties"] |= {
    "component_changes": {"type": "array", "items": closed({
        "slug": {"type": "string"}, "old_status": nullable(enum(COMPONENT_STATUSES)),
        "new_status": enum(COMPONENT_STATUSES)})},
    "edited_at": nullable(TIME | {"description": "when it was last corrected"}),
    "version": {"type": "integer"},
}
SCHEMAS["StatusUpdate"]["required"] = list(SCHEMAS["StatusUpdate"]["properties"])
_UPDATE_READ_ONLY = ("id", "incident_id", "message_html", "author", "created_at",
                     "edited_at", "version", "component_changes")
SCHEMAS["StatusUpdateCreate"] = obj(
    SCHEMAS["StatusUpdateCreate"]["properties"] | {}, ("status", "message"),
    _UPDATE_READ_ONLY)
for _read_only in _UPDATE_READ_ONLY:
    SCHEMAS["StatusUpdateCreate"]["properties"][_read_only] = {"readOnly": True}
SCHEMAS["StatusUpdatePatch"] = obj({
    "status": enum(INCIDENT_STATUSES),
    "message": text(20_000, minLength=1, description="Markdown, public"),
    "posted_at": TIME_IN,
    "component_statuses": {"type": "object",
                           "additionalProperties": enum(COMPONENT_STATUSES),
                           "description": "replaces the update's changes"},
    "version": VERSION,
}, ("version",), tuple(n for n in _UPDATE_READ_ONLY if n != "version"))
SCHEMAS["SamplesDeleted"] = closed({"deleted": {"type": "integer"}})
UPDATE_ID = path_param("update_id", ID, 1)
SAMPLE_ID = path_param("sample_id", ID, 1)
PATHS[f"{INCIDENT}/updates"]["post"]["responses"] = (
    ok("StatusUpdate", "201", "Posted", location=True)
    | error_refs("400", "401", "403", "404", "422"))
PATHS[f"{INCIDENT}/updates/{{update_id}}"] = {
    "parameters": [INCIDENT_ID, UPDATE_ID],
    "get": read("Get a status update", "StatusUpdate", "404"),
    "patch": write("Correct a status update (optimistic locking with version)",
                   "StatusUpdatePatch", ok("StatusUpdate"), "404", "409"),
    "delete": delete("Delete a status update") | {"parameters": [
        query("version", {"type": "integer"}, "the version seen (required)")]},
}
PATHS[f"{INCIDENT}/updates/{{update_id}}"]["delete"]["responses"] |= error_refs(
    "409", "422")
PATHS[f"{INCIDENT}/impact-samples"]["delete"] = {
    "summary": "Delete the samples of one metric, optionally within a time range",
    "parameters": [query("metric", {"type": "string", "pattern": METRIC_RE.pattern},
                         "the metric (required)"),
                   query("from", TIME_IN, "from this time (inclusive)"),
                   query("to", TIME_IN, "to this time (inclusive)")],
    "responses": ok("SamplesDeleted") | error_refs("400", "401", "403", "404",
                                                   "422"),
}
PATHS[f"{INCIDENT}/impact-samples/{{sample_id}}"] = {
    "parameters": [INCIDENT_ID, SAMPLE_ID],
    "delete": delete("Delete one impact sample"),
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "A key of your choice: a repeat of the request with the same "
                   "key (for a day) gets the first answer and writes nothing; the "
                   "same key with another body is a 422.",
}


# --- post-mortem (issue 6) ---------------------------------------------------
def _postmortem_block() -> None:
    from postmortem.domain.postmortem.documents import MAX_SECTION_CHARS
    from postmortem.models.postmortem import POSTMORTEM_STATES, REVIEW_DECISIONS

    string = {"type": "string"}
    SCHEMAS["PostmortemSection"] = closed({
        "key": string, "title": string,
        "guidance": {"type": "string", "description": "writing guidance"},
        "body": {"type": "string", "description": "Markdown; markers such as "
                 "{{ timeline }} place generated blocks"}})
    SCHEMAS["Postmortem"] = closed({
        "id": {"type": "integer"},
        "incident_id": {"type": "integer"},
        "state": enum(POSTMORTEM_STATES),
        "is_public": {"type": "boolean"},
        "template": {"type": ["string", "null"]},
        "author": {"type": ["string", "null"], "description": "email"},
        "authors": {"type": "array", "items": string},
        "reviewers": {"type": "array", "items": string,
                      "description": "emails of the named reviewers"},
        "reviews": {"type": "array", "items": closed({
            "reviewer": {"type": ["string", "null"]},
            "decision": enum(REVIEW_DECISIONS), "comment": string,
            "created_at": TIME})},
        "sections": {"type": "array", "items": ref("PostmortemSection")},
        "readiness": {"type": "array", "items": closed({
            "name": string, "label": string, "ok": {"type": "boolean"},
            "problems": {"type": "array", "items": string}})},
        "approved_at": nullable(TIME),
        "approved_by": {"type": ["string", "null"]},
        "published_at": nullable(TIME),
        "pdf_sha256": {"type": ["string", "null"],
                       "description": "SHA-256 of the approved PDF"},
        "revision": {"type": "integer"},
        "version": {"type": "integer"},
        "created_at": TIME,
        "updated_at": TIME,
        "url": string,
    })
    section_in = obj({"key": text(64, minLength=1), "title": text(120, minLength=1),
                      "body": text(MAX_SECTION_CHARS)}, ("key",), ("guidance",))
    SCHEMAS["PostmortemPut"] = obj({
        "version": VERSION,
        "state": enum(POSTMORTEM_STATES, description="a move through review: "
                      "draft -> in_review -> approved -> published, or back to "
                      "draft with a reason; an invalid move is a 409, a missing "
                      "right (approving your own, publishing without admin) a "
                      "403"),
        "reason": text(5000, description="why it goes back to draft"),
        "comment": text(5000, description="the reviewer's comment"),
        "sections": {"type": "array", "items": section_in, "maxItems": 100},
        "reviewers": {"type": "array", "maxItems": 20,
                      "items": {"type": ["string", "integer"]},
                      "description": "user emails or ids whose review is "
                                     "requested"},
        "is_public": {"type": "boolean",
                      "description": "admins, once published"},
    }, ("version",), ("id", "incident_id", "template", "author", "authors",
                      "reviews", "readiness", "approved_at", "approved_by",
                      "published_at", "pdf_sha256", "revision", "created_at",
                      "updated_at", "url"))
    SCHEMAS["PostmortemStart"] = obj({"template_id": {"type": "integer"}})
    SCHEMAS["PostmortemDraft"] = obj({"version": VERSION}, ("version",))
    doc = f"{INCIDENT}/postmortem"
    PATHS[doc] = {
        "parameters": [INCIDENT_ID],
        "get": read("Get the post-mortem (a responder's first read starts it "
                    "from the default template)", "Postmortem", "404"),
        "post": {**write("Start the post-mortem from a template", "PostmortemStart",
                         ok("Postmortem", "201", "Started", location=True),
                         "404", "409"),
                 "requestBody": {"required": False, "content": {JSON: {
                     "schema": ref("PostmortemStart")}}}},
        "put": write("Save sections, name reviewers, move the state or set the "
                     "public flag (with the version it was read at); 409 for a "
                     "stale version, an invalid move or a document not ready "
                     "for approval", "PostmortemPut", ok("Postmortem"),
                     "404", "409"),
    }
    SCHEMAS["PostmortemRevisionItems"] = closed({"items": {"type": "array",
                                                           "items": closed({
        "number": {"type": "integer"}, "kind": string,
        "author": {"type": ["string", "null"]}, "created_at": TIME,
        "sections": {"type": "array", "items": closed({
            "key": string, "title": string, "body": string})}})}})
    SCHEMAS["PostmortemDiff"] = closed({
        "a": {"type": "integer"}, "b": {"type": "integer"},
        "lines": {"type": "array", "items": closed({
            "kind": enum(("same", "added", "removed", "hunk")), "text": string})}})
    revision_number = {"type": "string", "pattern": "^[0-9]+$"}
    PATHS[f"{doc}/revisions"] = {
        "parameters": [INCIDENT_ID],
        "get": read("Every revision of the post-mortem, newest first",
                    "PostmortemRevisionItems", "404"),
    }
    PATHS[f"{doc}/diff"] = {
        "parameters": [INCIDENT_ID],
        "get": read("The line diff between two revisions", "PostmortemDiff",
                    "404", "422", parameters=[
                        {"name": "a", "in": "query", "required": True,
                         "schema": revision_number, "description": "older revision"},
                        {"name": "b", "in": "query", "required": True,
                         "schema": revision_number, "description": "newer revision"},
                    ]),
    }
    PATHS[f"{doc}/draft"] = {
        "parameters": [INCIDENT_ID],
        "post": write("Draft from incident: fill sections with no prose yet from "
                      "the record", "PostmortemDraft", ok("Postmortem"),
                      "404", "409"),
    }


_postmortem_block()


# Every POST honours an Idempotency-Key: added last, so it reaches them all.
for _item in PATHS.values():
    if "post" in _item:
        _item["post"].setdefault("parameters", []).append(IDEMPOTENCY_KEY)
