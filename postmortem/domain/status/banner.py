"""The in-product banner: whether to show a notice, and what it says.

`banner.json` is for products that draw their own notice; `banner.js` is a
one-line embed that draws it (dismissible, nothing at all when all is well).
The script carries its data, so embedding it costs one request and needs no
CORS, and it only uses the DOM and CSSOM (no inline script or style markup),
so a strict Content-Security-Policy on the host page only has to allow the
script's origin.
"""

import hashlib
import html
import json
from typing import Any

import nh3

from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.status.overview import Overview
from postmortem.domain.status.statuspage import Page
from postmortem.domain.vocabulary import label
from postmortem.models import Incident, StatusUpdate

MAX_MESSAGE = 280


def _plain(message_html: str) -> str:
    text = html.unescape(nh3.clean(message_html, tags=set()))
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _incident(page: Page, incident: Incident, updates: list[StatusUpdate]
              ) -> dict[str, Any]:
    latest = updates[0] if updates else None
    return {
        "id": str(incident.id), "name": incident.title, "status": incident.status,
        "impact": incident.impact, "url": page.incident_url(incident.id),
        "message": _plain(latest.message_html) if latest else "",
        "updated_at": latest.posted_at.isoformat() if latest else None,
    }


def data(page: Page, overview: Overview) -> dict[str, Any]:
    """Nothing to show when all is well; else the worst thing first."""
    incidents = [_incident(page, i, overview.updates.get(i.id, []))
                 for i in overview.active_incidents]
    works = [{"id": f"m{m.id}", "name": m.title,
              "status": maintenances.effective_status(m, overview.now),
              "url": page.maintenance_url(m.id),
              "scheduled_until": m.scheduled_until.isoformat()}
             for m in overview.active_maintenances]
    if incidents:
        first = incidents[0]
        title = "Temporary service disruption"
        message = f"{first['name']} ({label(first['status']).lower()})"
        if len(incidents) > 1:
            message += f" and {len(incidents) - 1} more"
        url = first["url"] if len(incidents) == 1 else page.url
    elif works:
        title = "Scheduled maintenance in progress"
        message = works[0]["name"]
        url = works[0]["url"]
    else:
        title = message = url = None
    body = {
        "active": bool(incidents or works),
        "indicator": overview.indicator, "description": overview.description,
        "title": title, "message": message, "url": url, "status_page": page.url,
        "incidents": incidents, "maintenances": works,
    }
    # A new notice must show again after an old one was dismissed.
    body["id"] = hashlib.sha256(json.dumps(
        [title, message, url], sort_keys=True).encode()).hexdigest()[:16]
    return body


def render_json(page: Page, overview: Overview) -> bytes:
    return json.dumps(data(page, overview), separators=(",", ":"),
                      ensure_ascii=False).encode()


def script_data(page: Page, overview: Overview) -> str:
    """The banner data as a JavaScript literal; `<` is escaped so it cannot
    end a script element, and U+2028/9 so old engines parse it."""
    payload = json.dumps(data(page, overview), ensure_ascii=False)
    return (payload.replace("<", "\\u003c").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))
