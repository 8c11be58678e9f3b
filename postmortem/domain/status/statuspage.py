"""Statuspage-compatible v2 payloads, with exactly the keys a real Statuspage
serves (DESIGN.md's public contract): tools written for Statuspage read ours
unchanged, so nothing of our own is added at these levels.

Ids are strings. Incidents keep their own ids; maintenance ids carry an `m`
(and their updates `mu`) so no id names two things.
"""

import json
from datetime import datetime
from typing import Any

from postmortem.domain.components import slugify
from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.status.overview import (
    ComponentView,
    Overview,
    recent_incidents,
    updates_for,
    worst,
)
from postmortem.models import Incident, Maintenance, MaintenanceUpdate, StatusUpdate

RECENT = 50


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class Page:
    """The page object and the URLs every payload needs."""

    def __init__(self, page_id: str, name: str, base_url: str,
                 updated_at: datetime):
        self.id = page_id
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.updated_at = updated_at

    @property
    def url(self) -> str:
        return self.base_url + "/status"

    def incident_url(self, incident_id: int) -> str:
        return f"{self.url}/incidents/{incident_id}"

    def maintenance_url(self, maintenance_id: int) -> str:
        return f"{self.url}/maintenance/{maintenance_id}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "url": self.url,
                "time_zone": "Etc/UTC", "updated_at": iso(self.updated_at)}


def group_id(name: str) -> str:
    return "group-" + slugify(name)


def _component(page: Page, view: ComponentView) -> dict[str, Any]:
    c = view.component
    return {
        "id": str(c.id), "name": c.name, "status": view.status,
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at),
        "position": c.position, "description": c.description or None,
        "showcase": True, "group_id": group_id(c.group) if c.group else None,
        "page_id": page.id, "group": False, "only_show_if_degraded": False,
    }


def _group(page: Page, name: str, members: list[ComponentView],
           position: int) -> dict[str, Any]:
    parts = [view.component for view in members]
    return {
        "id": group_id(name), "name": name,
        "status": worst(view.status for view in members),
        "created_at": iso(min(c.created_at for c in parts)),
        "updated_at": iso(max(c.updated_at for c in parts)),
        "position": position, "description": None, "showcase": False,
        "group_id": None, "page_id": page.id, "group": True,
        "only_show_if_degraded": False,
        "components": [str(c.id) for c in parts],
    }


def components(page: Page, overview: Overview) -> list[dict[str, Any]]:
    """Ungrouped components, then each group followed by its members."""
    out: list[dict[str, Any]] = []
    for position, group in enumerate(overview.groups, start=1):
        if group.name is not None:
            out.append(_group(page, group.name, group.members, position))
        out += [_component(page, view) for view in group.members]
    return out


def status(overview: Overview) -> dict[str, str]:
    return {"indicator": overview.indicator, "description": overview.description}


def _update(update: StatusUpdate) -> dict[str, Any]:
    changes = [{"code": str(change.component_id), "name": change.component.name,
                "old_status": change.old_status or "operational",
                "new_status": change.new_status}
               for change in update.component_changes]
    return {
        "id": str(update.id), "status": update.status, "body": update.message,
        "incident_id": str(update.incident_id), "created_at": iso(update.created_at),
        "updated_at": iso(update.updated_at), "display_at": iso(update.posted_at),
        "affected_components": changes or None, "deliver_notifications": True,
        "custom_tweet": None, "tweet_id": None,
    }


def _monitoring_at(updates: list[StatusUpdate]) -> datetime | None:
    times = [u.posted_at for u in updates if u.status == "monitoring"]
    return min(times) if times else None


def incident(page: Page, row: Incident, updates: list[StatusUpdate],
             statuses: dict[int, str]) -> dict[str, Any]:
    """`updates` newest first; `statuses` the components' current status."""
    updated = max([row.created_at] + [u.updated_at for u in updates])
    return {
        "id": str(row.id), "name": row.title, "status": row.status,
        "created_at": iso(row.created_at), "updated_at": iso(updated),
        "monitoring_at": iso(_monitoring_at(updates)),
        "resolved_at": iso(row.resolved_at), "impact": row.impact,
        "shortlink": page.incident_url(row.id), "started_at": iso(row.started_at),
        "page_id": page.id, "incident_updates": [_update(u) for u in updates],
        "components": [_component(page, ComponentView(
            a.component, statuses.get(a.component_id, "operational")))
            for a in row.affected],
    }


def _maintenance_update(maintenance: Maintenance,
                        update: MaintenanceUpdate) -> dict[str, Any]:
    return {
        "id": f"mu{update.id}", "status": update.status, "body": update.message,
        "incident_id": f"m{maintenance.id}", "created_at": iso(update.created_at),
        "updated_at": iso(update.updated_at), "display_at": iso(update.posted_at),
        "affected_components": None, "deliver_notifications": True,
        "custom_tweet": None, "tweet_id": None,
    }


def maintenance(page: Page, row: Maintenance, now: datetime,
                statuses: dict[int, str]) -> dict[str, Any]:
    updated = max([row.created_at] + [u.updated_at for u in row.updates])
    return {
        "id": f"m{row.id}", "name": row.title,
        "status": maintenances.effective_status(row, now),
        "created_at": iso(row.created_at), "updated_at": iso(updated),
        "monitoring_at": None, "resolved_at": iso(row.completed_at),
        "impact": "maintenance", "shortlink": page.maintenance_url(row.id),
        "started_at": iso(row.started_at or row.scheduled_for),
        "page_id": page.id,
        "incident_updates": [_maintenance_update(row, u) for u in row.updates],
        "components": [_component(page, ComponentView(
            c, statuses.get(c.id, "operational"))) for c in row.components],
        "scheduled_for": iso(row.scheduled_for),
        "scheduled_until": iso(row.scheduled_until),
    }


def _statuses(overview: Overview) -> dict[int, str]:
    return {view.component.id: view.status for view in overview.components}


def incident_list(page: Page, overview: Overview, rows: list[Incident]
                  ) -> list[dict[str, Any]]:
    updates = updates_for([row.id for row in rows])
    statuses = _statuses(overview)
    return [incident(page, row, updates.get(row.id, []), statuses) for row in rows]


def maintenance_list(page: Page, overview: Overview, rows: list[Maintenance]
                     ) -> list[dict[str, Any]]:
    statuses = _statuses(overview)
    return [maintenance(page, row, overview.now, statuses) for row in rows]


def payload(name: str, page: Page, overview: Overview) -> dict[str, Any]:
    """The document served at /api/v2/<name>.json."""
    body: dict[str, Any] = {"page": page.as_json()}
    upcoming = overview.upcoming_maintenances
    active = overview.active_maintenances
    if name == "summary":
        body["components"] = components(page, overview)
        body["incidents"] = incident_list(page, overview, overview.active_incidents)
        body["scheduled_maintenances"] = maintenance_list(page, overview,
                                                          active + upcoming)
        body["status"] = status(overview)
    elif name == "status":
        body["status"] = status(overview)
    elif name == "components":
        body["components"] = components(page, overview)
    elif name == "incidents":
        body["incidents"] = incident_list(page, overview, recent_incidents(RECENT))
    elif name == "incidents/unresolved":
        body["incidents"] = incident_list(page, overview, overview.active_incidents)
    elif name == "scheduled-maintenances":
        body["scheduled_maintenances"] = maintenance_list(
            page, overview, maintenances.listed(RECENT))
    elif name == "scheduled-maintenances/upcoming":
        body["scheduled_maintenances"] = maintenance_list(page, overview, upcoming)
    elif name == "scheduled-maintenances/active":
        body["scheduled_maintenances"] = maintenance_list(page, overview, active)
    else:
        raise KeyError(name)
    return body


DOCUMENTS = ("summary", "status", "components", "incidents", "incidents/unresolved",
             "scheduled-maintenances", "scheduled-maintenances/upcoming",
             "scheduled-maintenances/active")


def render(name: str, page: Page, overview: Overview) -> bytes:
    return json.dumps(payload(name, page, overview), separators=(",", ":"),
                      ensure_ascii=False).encode()
