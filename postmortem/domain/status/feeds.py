"""Atom (RFC 4287) and RSS 2.0 feeds of public incident updates and
maintenance updates, newest first.

Each status update is an entry, so a feed reader shows every new update; its
id is a tag URI (RFC 4151) that stays the same if the page moves hosts.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import sqlalchemy as sa

from postmortem.domain.status.statuspage import Page
from postmortem.domain.visibility import public_clause
from postmortem.domain.vocabulary import label
from postmortem.extensions import db
from postmortem.models import Incident, Maintenance, MaintenanceUpdate, StatusUpdate

ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    uid: str
    title: str
    link: str
    html: str
    published: datetime
    updated: datetime


def entries(page: Page, limit: int = ENTRIES) -> list[Entry]:
    """The newest public incident and maintenance updates."""
    found: list[Entry] = []
    for update, incident in db.session.execute(
        sa.select(StatusUpdate, Incident).join(Incident)
        .where(public_clause())
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc()).limit(limit)
    ).all():
        found.append(Entry(
            f"status-update-{update.id}",
            f"{incident.title}: {label(update.status)}",
            page.incident_url(incident.id), update.message_html, update.posted_at,
            max(update.posted_at, update.updated_at)))
    for update, maintenance in db.session.execute(
        sa.select(MaintenanceUpdate, Maintenance).join(Maintenance)
        .order_by(MaintenanceUpdate.posted_at.desc(), MaintenanceUpdate.id.desc())
        .limit(limit)
    ).all():
        window = (f"<p>Scheduled for {maintenance.scheduled_for:%Y-%m-%d %H:%M} "
                  f"to {maintenance.scheduled_until:%Y-%m-%d %H:%M} UTC</p>")
        found.append(Entry(
            f"maintenance-update-{update.id}",
            f"Maintenance: {maintenance.title}: {label(update.status)}",
            page.maintenance_url(maintenance.id), update.message_html + window,
            update.posted_at, max(update.posted_at, update.updated_at)))
    found.sort(key=lambda e: (e.published, e.uid), reverse=True)
    return found[:limit]


def _tag(page: Page, specific: str) -> str:
    host = urlsplit(page.base_url).hostname or "localhost"
    return f"tag:{host},2026:{page.id}/{specific}"


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def atom(page: Page, items: list[Entry]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, name, text=None, **attrs):
        node = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            node.text = text
        return node

    sub(feed, "id", _tag(page, "history"))
    sub(feed, "title", f"{page.name} status history")
    updated = max([e.updated for e in items], default=page.updated_at)
    sub(feed, "updated", _rfc3339(updated))
    sub(feed, "link", rel="alternate", type="text/html", href=page.url)
    sub(feed, "link", rel="self", type="application/atom+xml",
        href=page.url + "/history.atom")
    author = sub(feed, "author")
    sub(author, "name", page.name)
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", _tag(page, item.uid))
        sub(entry, "title", item.title)
        sub(entry, "updated", _rfc3339(item.updated))
        sub(entry, "published", _rfc3339(item.published))
        sub(entry, "link", rel="alternate", type="text/html", href=item.link)
        sub(entry, "content", item.html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def rss(page: Page, items: list[Entry]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    updated = max([e.updated for e in items], default=page.updated_at)
    for name, text in (("title", f"{page.name} status history"),
                       ("link", page.url),
                       ("description", f"Incidents and maintenance on {page.name}"),
                       ("language", "en"),
                       ("lastBuildDate", format_datetime(updated))):
        ET.SubElement(channel, name).text = text
    for item in items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.link
        ET.SubElement(node, "description").text = item.html
        ET.SubElement(node, "pubDate").text = format_datetime(item.published)
        ET.SubElement(node, "guid", {"isPermaLink": "false"}).text = _tag(
            page, item.uid)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
