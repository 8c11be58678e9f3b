"""Rows to the JSON of API v1, and the field names each resource accepts.

Times go out as ISO 8601 in UTC with their zone; ids are integers.
"""

from datetime import date, datetime
from typing import Any

from flask import url_for

from postmortem.domain import incidents
from postmortem.models import (
    ActionItem,
    Component,
    ImpactSample,
    Incident,
    StatusUpdate,
    TimelineEvent,
)
from postmortem.models.types import utcnow

# What a client may write, and what GET adds that a client may send back
# unchanged (it is ignored): anything else is refused by name.
INCIDENT_FIELDS = (
    "title", "summary", "severity", "impact", "status", "started_at", "detected_at",
    "acknowledged_at", "mitigated_at", "resolved_at", "detection_source",
    "is_public", "components", "regions", "platforms", "customer_tiers",
    "users_affected", "percent_users_affected", "peak_user_reports", "tags",
    "commander", "version",
)
INCIDENT_READ_ONLY = ("id", "durations", "created_at", "updated_at", "url")
UPDATE_FIELDS = ("status", "message", "posted_at", "component_statuses")
UPDATE_READ_ONLY = ("id", "incident_id", "message_html", "author", "created_at")
EVENT_FIELDS = ("occurred_at", "kind", "text", "key")
EVENT_READ_ONLY = ("id", "incident_id", "text_html", "author", "created_at")
SAMPLE_FIELDS = ("at", "metric", "value")
SAMPLE_READ_ONLY = ("id", "incident_id")
ACTION_FIELDS = ("title", "description", "owner", "kind", "priority", "status",
                 "due_date", "tracker_url", "version")
ACTION_READ_ONLY = ("id", "incident_id", "completed_at", "overdue", "created_at",
                    "updated_at", "url")
COMPONENT_FIELDS = ("name", "slug", "description", "group", "position")
COMPONENT_READ_ONLY = ("id", "status", "created_at", "updated_at")


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def incident(row: Incident) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "summary": row.summary,
        "severity": row.severity,
        "impact": row.impact,
        "status": row.status,
        "started_at": iso(row.started_at),
        "detected_at": iso(row.detected_at),
        "acknowledged_at": iso(row.acknowledged_at),
        "mitigated_at": iso(row.mitigated_at),
        "resolved_at": iso(row.resolved_at),
        "detection_source": row.detection_source,
        "is_public": row.is_public,
        "commander": row.commander.email if row.commander else None,
        "components": [{"slug": a.component.slug, "status": a.status}
                       for a in row.affected],
        "regions": row.regions,
        "platforms": row.platforms,
        "customer_tiers": row.customer_tiers,
        "users_affected": row.users_affected,
        "percent_users_affected": row.percent_users_affected,
        "peak_user_reports": row.peak_user_reports,
        "tags": row.tags,
        "version": row.version,
        "durations": incidents.durations(row),
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "url": url_for("api_v1.get_incident", incident_id=row.id),
    }


def status_update(row: StatusUpdate) -> dict[str, Any]:
    return {
        "id": row.id,
        "incident_id": row.incident_id,
        "status": row.status,
        "message": row.message,
        "message_html": row.message_html,
        "posted_at": iso(row.posted_at),
        "component_statuses": {change.component.slug: change.new_status
                               for change in row.component_changes},
        "component_changes": [{"slug": change.component.slug,
                               "old_status": change.old_status,
                               "new_status": change.new_status}
                              for change in row.component_changes],
        "author": row.author.display_name if row.author else None,
        "created_at": iso(row.created_at),
    }


def event(row: TimelineEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "incident_id": row.incident_id,
        "occurred_at": iso(row.occurred_at),
        "kind": row.kind,
        "text": row.text,
        "text_html": row.text_html,
        "key": row.key,
        "author": row.author.display_name if row.author else None,
        "created_at": iso(row.created_at),
    }


def sample(row: ImpactSample) -> dict[str, Any]:
    return {"id": row.id, "incident_id": row.incident_id, "at": iso(row.at),
            "metric": row.metric, "value": row.value}


def action_item(row: ActionItem) -> dict[str, Any]:
    return {
        "id": row.id,
        "incident_id": row.incident_id,
        "title": row.title,
        "description": row.description,
        "owner": row.owner,
        "kind": row.kind,
        "priority": row.priority,
        "status": row.status,
        "due_date": iso(row.due_date),
        "tracker_url": row.tracker_url,
        "completed_at": iso(row.completed_at),
        "overdue": row.is_overdue(utcnow().date()),
        "version": row.version,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "url": url_for("api_v1.get_action", action_id=row.id),
    }


def component(row: Component, statuses: dict[int, str]) -> dict[str, Any]:
    """`statuses` is components.current_statuses(), read once per response."""
    return {
        "id": row.id,
        "name": row.name,
        "slug": row.slug,
        "description": row.description,
        "group": row.group,
        "position": row.position,
        "status": statuses.get(row.id, "operational"),
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def items(rows: list[Any], serialize, *args: Any) -> dict[str, list[Any]]:
    """A collection: {"items": [...]}, room left for paging later."""
    return {"items": [serialize(row, *args) for row in rows]}


def page(pagination: Any, serialize) -> dict[str, Any]:
    """One page of a paged list, with what a client needs to ask for the next."""
    return {"items": [serialize(row) for row in pagination.items],
            "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total, "pages": pagination.pages}
