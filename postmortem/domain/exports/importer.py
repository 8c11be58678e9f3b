"""Markdown post-mortems in: our own export (YAML front matter + sections)
back into an equal incident and post-mortem, or one written by hand in the
common SRE layout (`#` title, `##` sections, a timeline as a list or table).

Reading (`parse`) touches no database; storing (`store`) runs in a savepoint,
so a file refused half-way leaves nothing behind.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
import yaml

from postmortem.domain import (
    accounts,
    actions,
    audit,
    components,
    impact,
    incidents,
)
from postmortem.domain import events as events_domain
from postmortem.domain import updates as updates_domain
from postmortem.domain.errors import ValidationError
from postmortem.domain.exports.markdown import INCIDENT_FIELDS
from postmortem.domain.rendering import render_markdown
from postmortem.domain.values import parse_time
from postmortem.domain.vocabulary import COMPONENT_STATUSES, EVENT_KINDS
from postmortem.extensions import db
from postmortem.models import (
    Component,
    ComponentChange,
    Incident,
    Postmortem,
    PostmortemSection,
    StatusUpdate,
    TimelineEvent,
    User,
)

MAX_BYTES = 2_000_000
MAX_SECTION_CHARS = 100_000
MAX_ROWS = 5_000
MAX_SAMPLES = 20_000
SECTION_COMMENT_RE = re.compile(r"^<!-- section: ([a-z0-9_-]{1,64}) -->$")
HEADING_RE = re.compile(r"^(#{1,2})\s+(.+?)\s*#*\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
DATE_RE = r"\d{4}-\d{2}-\d{2}"
CLOCK_RE = r"\d{1,2}:\d{2}(?::\d{2})?"
ENTRY_RE = re.compile(
    rf"^[*_`]*(?P<date>{DATE_RE})?[ T]?(?P<clock>{CLOCK_RE})"
    r"\s*(?P<zone>UTC|GMT|Z|[+-]\d{2}:?\d{2})?[*_`]*\s*(?:[-–—:|]\s*)?(?P<text>.+)$")
DATE_LINE_RE = re.compile(rf"^[#*_\s]*(?P<date>{DATE_RE})[*_\s]*:?$")
# "Date: 2026-11-16", "- **Date:** 16 November 2026", "*Date*: November 16, 2026"
DATE_FIELD_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?[*_]*date[*_]*\s*:[*_]*\s*[*_]*(?P<value>[^*_]+?)[*_\s]*$",
    re.IGNORECASE)
LONG_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y",
                     "%A %d %B %Y", "%A, %B %d, %Y")


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message}, message)


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: nothing a post-mortem needs, and the
    way a small file expands into a huge one ("billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases are not allowed", event.start_mark)
        return super().compose_node(parent, index)


@dataclass
class Parsed:
    """What a file says, checked for shape; the domain checks values when
    storing."""

    title: str
    incident: dict[str, Any]
    components: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    action_items: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, str]] = field(default_factory=list)
    is_export: bool = False


def decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BYTES:
        raise _refuse(f"is too large ({len(raw):,} bytes; at most {MAX_BYTES:,})")
    if not raw.strip():
        raise _refuse("is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("is not UTF-8 text (is it a Markdown file?)") from None
    if "\x00" in text:
        raise _refuse("contains NUL characters: it is not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise _refuse("front matter starts with --- but never ends with ---")
    try:
        meta = yaml.load(text[4:end + 1], Loader=_NoAliasLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise _refuse(f"front matter{where}: {problem}") from None
    except RecursionError:
        raise _refuse("front matter is nested too deeply") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _refuse("front matter must be a YAML mapping (key: value lines)")
    return meta, text[end + 5:]


def _lines_outside_code(body: str):
    """(line, inside a fenced code block) for each line of `body`."""
    fenced = False
    for line in body.split("\n"):
        if FENCE_RE.match(line):
            fenced = not fenced
            yield line, True
            continue
        yield line, fenced


def split_sections(body: str) -> tuple[str | None, list[dict[str, str]]]:
    """The `#` title and the `##` sections ({key, title, body}) of `body`;
    a `<!-- section: key -->` line before a heading names its key."""
    title, sections, key = None, [], None
    current: dict[str, Any] | None = None
    for line, in_code in _lines_outside_code(body):
        comment = None if in_code else SECTION_COMMENT_RE.match(line.strip())
        heading = None if in_code else HEADING_RE.match(line)
        if comment:
            key = comment.group(1)
        elif heading and heading.group(1) == "#" and title is None and not sections:
            title = heading.group(2).strip()
        elif heading and heading.group(1) == "##":
            current = {"key": key or slug_key(heading.group(2)),
                       "title": heading.group(2).strip(), "lines": []}
            sections.append(current)
            key = None
        elif current is not None:
            current["lines"].append(line)
    out: dict[str, dict[str, str]] = {}
    for s in sections:
        text = "\n".join(s["lines"]).strip("\n")
        seen = out.get(s["key"])
        if seen is not None:
            # Two headings for one section ("Root cause", "Root causes"):
            # both kept, the second under its own heading.
            text = f"{seen['body']}\n\n### {s['title']}\n\n{text}".strip("\n")
        if len(text) > MAX_SECTION_CHARS:
            raise _refuse(f"section “{s['title'][:80]}” is too long "
                          f"({len(text):,} characters; at most {MAX_SECTION_CHARS:,})")
        out[s["key"]] = {"key": s["key"], "title": (seen or s)["title"][:120],
                         "body": text}
    return title, list(out.values())


def slug_key(title: str) -> str:
    """`Root cause(s)` -> `root_causes`: the template key a heading names."""
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    key = "_".join(words)[:64] or "section"
    return SECTION_ALIASES.get(key, key)


# Headings people write for the sections of the default template.
SECTION_ALIASES = {
    "root_cause": "root_causes", "root_cause_s": "root_causes",
    "root_cause_analysis": "root_causes", "causes": "root_causes",
    "impact_assessment": "impact", "detection_and_response": "detection",
    "action_item": "action_items", "follow_up_actions": "action_items",
    "follow_ups": "action_items", "remediation": "action_items",
    "lessons": "lessons_learned", "lessons_learnt": "lessons_learned",
    "timeline_utc": "timeline", "timeline_all_times_utc": "timeline",
    "background": "supporting_information",
    "supporting_info": "supporting_information", "appendix": "supporting_information",
    "executive_summary": "summary", "overview": "summary",
    "resolution_and_recovery": "resolution", "recovery": "resolution",
}


def _list_of(meta: dict[str, Any], name: str, limit: int = MAX_ROWS) -> list[dict]:
    value = meta.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _refuse(f"front matter: {name} must be a list of mappings")
    if len(value) > limit:
        raise _refuse(f"front matter: {name} has {len(value):,} entries; "
                      f"at most {limit:,}")
    return value


def _mapping(meta: dict[str, Any], name: str) -> dict[str, Any]:
    value = meta.get(name) or {}
    if not isinstance(value, dict):
        raise _refuse(f"front matter: {name} must be a mapping")
    return value


def _day_of(text: str) -> date | None:
    # A time after the date ("… 09:00 UTC") says nothing about the day.
    text = re.sub(rf"\s+(?:at\s+)?{CLOCK_RE}.*$", "", " ".join(text.split()))
    if iso := re.match(rf"({DATE_RE})\b", text):  # "2026-11-16 09:00 UTC" too
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    for fmt in LONG_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def body_day(body: str) -> date | None:
    """The date a hand-written file gives outside its timeline: a date on a
    line of its own under the title (before the first `##`), or a `Date:`
    line anywhere."""
    before_sections = True
    for line, in_code in _lines_outside_code(body):
        if in_code:
            continue
        heading = HEADING_RE.match(line)
        if heading and heading.group(1) == "##":
            before_sections = False
            continue
        field = DATE_FIELD_RE.match(line)
        if field and (day := _day_of(field.group("value"))):
            return day
        date_line = DATE_LINE_RE.match(line) if before_sections and not heading \
            else None
        if date_line:
            return date.fromisoformat(date_line.group("date"))
    return None


def _timeline_day(meta: dict[str, Any], incident: dict[str, Any],
                  body: str = "") -> date | None:
    for raw in (meta.get("date"), incident.get("date"), incident.get("started_at"),
                body_day(body)):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str) and re.match(DATE_RE, raw.strip()):
            return date.fromisoformat(raw.strip()[:10])
    return None


def _entry_time(match: re.Match, day: date | None) -> datetime:
    if match.group("date"):
        day = date.fromisoformat(match.group("date"))
    if day is None:
        raise _refuse("timeline times need a date: write it with the first "
                      "time (2026-11-16 09:00), on a line of its own before the "
                      "times or under the title, in a `Date: 2026-11-16` line, "
                      "or as `date:` in the front matter")
    zone = match.group("zone") or "UTC"
    clock = match.group("clock")
    clock = clock if len(clock.split(":")[0]) == 2 else "0" + clock
    offset = "+00:00" if zone in ("UTC", "GMT", "Z") else zone
    if len(offset) == 5:
        offset = offset[:3] + ":" + offset[3:]
    try:
        return parse_time(f"{day.isoformat()}T{clock}{offset}")
    except ValueError:
        raise _refuse(f"timeline: {match.group(0)[:60]!r} has an impossible "
                      "time") from None


def _table_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return None
    return [c.strip() for c in stripped[1:-1].split("|")]


def _event_from(text: str, day: date | None, kind: str | None = None):
    match = ENTRY_RE.match(text.strip())
    if match is None:
        return None, day
    if match.group("date"):
        day = date.fromisoformat(match.group("date"))
    body = match.group("text").strip().strip("*_").strip()
    return {"occurred_at": _entry_time(match, day), "kind": kind or _kind_of(body),
            "text": body, "key": True}, day


def _kind_of(text: str) -> str:
    first = text.split(maxsplit=1)[0].strip("[]():*_").lower() if text else ""
    return first if first in EVENT_KINDS else "note"


def timeline_events(body: str, day: date | None) -> list[dict[str, Any]]:
    """Events from a hand-written timeline: list items or table rows that
    start with a time; a date on a line of its own applies to what follows."""
    events = []
    for line, in_code in _lines_outside_code(body):
        if in_code:
            continue
        date_line = DATE_LINE_RE.match(line)
        if date_line:
            day = date.fromisoformat(date_line.group("date"))
            continue
        cells = _table_cells(line)
        if cells is not None:
            if len(cells) < 2 or set("".join(cells)) <= set("-: "):
                continue
            kind = cells[1].lower() if len(cells) > 2 and \
                cells[1].lower() in EVENT_KINDS else None
            text = cells[0] + " " + " — ".join(c for c in cells[1 + bool(kind):] if c)
            event, day = _event_from(text, day, kind)
        else:
            item = LIST_ITEM_RE.match(line)
            event, day = _event_from(item.group(1), day) if item else (None, day)
        if event is not None:
            events.append(event)
        if len(events) > MAX_ROWS:
            raise _refuse(f"timeline has more than {MAX_ROWS:,} entries")
    return events


def _incident_fields(raw: dict[str, Any]) -> dict[str, Any]:
    known = {k: raw[k] for k in INCIDENT_FIELDS if k in raw}
    for name, value in list(known.items()):
        if isinstance(value, date) and not isinstance(value, datetime):
            known[name] = datetime.combine(value, time(), tzinfo=UTC)
    return known


def parse(raw: bytes | str) -> Parsed:
    """Read a Markdown post-mortem; raises ValidationError naming the problem."""
    meta, body = split_front_matter(decode(raw))
    heading_title, sections = split_sections(body)
    is_export = meta.get("format") == "postmortem-export"
    incident_raw = _mapping(meta, "incident") or {
        k: v for k, v in meta.items() if k in INCIDENT_FIELDS or k == "components"}
    incident = _incident_fields(incident_raw)
    title = meta.get("title") or heading_title or incident.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _refuse("has no title: start it with a `# Title` line")
    incident.setdefault("title", re.sub(r"^Post-mortem:\s*", "", title.strip()))
    components = incident_raw.get("components") or []
    if not isinstance(components, list) or len(components) > 500:
        raise _refuse("front matter: incident components must be a short list")
    parsed = Parsed(
        title=title.strip()[:200], incident=incident,
        components=[c if isinstance(c, dict) else {"slug": c} for c in components],
        updates=_list_of(meta, "updates"), events=_list_of(meta, "events"),
        action_items=_list_of(meta, "action_items"),
        samples=_list_of(meta, "samples", MAX_SAMPLES), sections=sections,
        is_export=is_export)
    if not is_export:
        _read_hand_written(parsed, meta, incident_raw, body)
    return parsed


def _read_hand_written(parsed: Parsed, meta: dict, incident_raw: dict,
                       body: str) -> None:
    """Fill what a hand-written file leaves to its prose: events from the
    timeline section, and the start of impact from its first entry."""
    timeline = next((s for s in parsed.sections if s["key"] == "timeline"), None)
    if timeline is not None and not parsed.events:
        parsed.events = timeline_events(timeline["body"],
                                        _timeline_day(meta, incident_raw, body))
        if parsed.events:
            # The events are the record now; the section shows them as the
            # generated timeline, so they are never out of step.
            timeline["body"] = "{{ timeline }}"
    if "started_at" not in parsed.incident:
        if not parsed.events:
            raise _refuse("says nothing about when the impact began: give "
                          "`started_at:` in the front matter or a timeline with "
                          "times")
        parsed.incident["started_at"] = min(e["occurred_at"] for e in parsed.events)
    # A post-mortem describes a past incident: unless the file says otherwise
    # it comes in resolved (never a live incident on the status page) and
    # private (the importer, admins and its commander see it; the importer
    # is kept as a member by `incidents.declare`).
    parsed.incident.setdefault("is_public", False)
    if "status" not in parsed.incident:
        parsed.incident["status"] = "resolved"
        if not parsed.incident.get("resolved_at"):
            # The timeline's events are parsed, aware times; without them
            # the start is the only time the file gives.
            parsed.incident["resolved_at"] = max(
                (e["occurred_at"] for e in parsed.events),
                default=parsed.incident["started_at"])


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    fields = {f"{prefix}.{k}": v for k, v in exc.fields.items()}
    return ValidationError(fields, "The file was not imported: " + "; ".join(
        f"{k} {v}" for k, v in fields.items()))


def _ensure_components(parsed: Parsed, actor: User | None) -> None:
    """Components the file names but this installation lacks are created,
    so an export from elsewhere imports whole."""
    wanted = {c.get("slug"): c.get("name") for c in parsed.components}
    for update in parsed.updates:
        changes = update.get("component_changes") or []
        for change in changes if isinstance(changes, list) else []:
            if isinstance(change, dict) and isinstance(change.get("slug"), str):
                wanted.setdefault(change["slug"], change.get("name"))
    for slug, name in wanted.items():
        if not isinstance(slug, str):
            raise _refuse("front matter: every component needs a slug")
        if db.session.scalar(sa.select(Component.id).where(Component.slug == slug)):
            continue
        try:
            components.create_component({"slug": slug, "name": name or slug}, actor)
        except ValidationError as exc:
            raise _prefixed(exc, f"components.{slug}"[:60]) from None


def _declare(parsed: Parsed, actor: User | None) -> Incident:
    data = dict(parsed.incident)
    data["components"] = [{"slug": c["slug"], "status": c.get("status")
                           or "partial_outage"} for c in parsed.components]
    commander = data.get("commander")
    if commander and accounts.user_by_email(str(commander)) is None:
        # Someone of the installation the file came from: not a user here.
        data.pop("commander")
    if "detected_at" not in data:
        found = [e["occurred_at"] for e in parsed.events
                 if e.get("kind") in ("detection", "alert")]
        data["detected_at"] = min(found) if found else data.get("started_at")
    try:
        incident = incidents.declare(data, actor)
    except ValidationError as exc:
        raise _prefixed(exc, "incident") from None
    windows = {c["slug"]: c for c in parsed.components}
    for row in incident.affected:
        given = windows.get(row.component.slug, {})
        for name in ("started_at", "ended_at"):
            if given.get(name):
                try:
                    setattr(row, name, parse_time(given[name]))
                except ValueError as exc:
                    raise _refuse(f"components.{row.component.slug}.{name} "
                                  f"{exc}") from None
    return incident


def _store_updates(incident: Incident, parsed: Parsed) -> None:
    by_slug = {c.slug: c for c in db.session.scalars(sa.select(Component))}
    for index, raw in enumerate(parsed.updates):
        try:
            values = updates_domain._clean(
                {k: raw[k] for k in ("status", "message", "posted_at") if k in raw})
        except ValidationError as exc:
            raise _prefixed(exc, f"updates[{index}]") from None
        values.pop("component_statuses", None)
        update = StatusUpdate(incident_id=incident.id,
                              message_html=render_markdown(values["message"]),
                              **values)
        changes = raw.get("component_changes") or []
        if not isinstance(changes, list) or not all(
                isinstance(c, dict) and c.get("slug") in by_slug for c in changes):
            raise _refuse(f"updates[{index}].component_changes must be a list of "
                          "{slug, old_status, new_status}")
        for change in changes:
            old, new = change.get("old_status"), change.get("new_status")
            if new not in COMPONENT_STATUSES or old not in (None, *COMPONENT_STATUSES):
                raise _refuse(f"updates[{index}].component_changes: a status is "
                              "not a component status")
            update.component_changes.append(ComponentChange(
                component=by_slug[change["slug"]], old_status=old, new_status=new))
        db.session.add(update)


def _store_events(incident: Incident, parsed: Parsed) -> None:
    for index, raw in enumerate(parsed.events):
        try:
            values = events_domain._clean(raw)
        except ValidationError as exc:
            raise _prefixed(exc, f"events[{index}]") from None
        db.session.add(TimelineEvent(incident_id=incident.id,
                                     text_html=render_markdown(values["text"]),
                                     **values))


def _store_actions(incident: Incident, parsed: Parsed, actor: User | None) -> None:
    for index, raw in enumerate(parsed.action_items):
        data = {k: v for k, v in raw.items() if k != "completed_at"}
        try:
            item = actions.create(incident, data, actor)
            if raw.get("completed_at") and item.completed_at is not None:
                item.completed_at = parse_time(raw["completed_at"])
        except ValidationError as exc:
            raise _prefixed(exc, f"action_items[{index}]") from None
        except ValueError as exc:
            raise _refuse(f"action_items[{index}].completed_at {exc}") from None


def _sections_for(parsed: Parsed) -> list[dict[str, str]]:
    """The file's sections in the default template's order; sections the
    template lacks follow, under their own headings. An export keeps its
    own sections exactly."""
    from postmortem.domain.postmortem import templates as template_domain

    given = {s["key"]: s for s in parsed.sections}
    if parsed.is_export:
        return list(given.values())
    out = []
    for ts in template_domain.default_template().sections:
        section = given.pop(ts.key, None)
        out.append({"key": ts.key, "title": ts.title,
                    "body": section["body"] if section else ""})
    return out + list(given.values())


def _store_postmortem(incident: Incident, parsed: Parsed,
                      actor: User | None) -> Postmortem:
    from postmortem.domain.postmortem import documents
    from postmortem.domain.postmortem import templates as template_domain

    pm = documents.start(incident, actor)
    guidance = {s.key: s.guidance for s in template_domain.default_template().sections}
    errors: dict[str, str] = {}
    # Rows of the same key are reused: a section is unique per key.
    started = {s.key: s for s in pm.sections}
    wanted = []
    for position, given in enumerate(_sections_for(parsed)):
        row = started.get(given["key"]) or PostmortemSection(
            key=given["key"], guidance=guidance.get(given["key"], ""))
        row.position, row.title = position, given["title"]
        row.body = documents.clean_body(given["key"], given["body"], errors) or ""
        wanted.append(row)
    pm.sections = wanted
    if errors:
        raise ValidationError(errors, "The file was not imported: " + "; ".join(
            f"{k} {v}" for k, v in errors.items()))
    documents.commit_revision(pm, actor, "import")
    return pm


def store(parsed: Parsed, actor: User | None) -> Postmortem:
    """A new incident and its post-mortem (a draft: reviews and approvals
    belong to the installation they were given in) from `parsed`."""
    with db.session.begin_nested():
        _ensure_components(parsed, actor)
        incident = _declare(parsed, actor)
        _store_updates(incident, parsed)
        _store_events(incident, parsed)
        _store_actions(incident, parsed, actor)
        if parsed.samples:
            try:
                impact.record(incident, parsed.samples, actor)
            except ValidationError as exc:
                raise _prefixed(exc, "samples") from None
        pm = _store_postmortem(incident, parsed, actor)
        db.session.flush()
        audit.record(actor, "postmortem.import", pm, {
            "incident_id": incident.id, "title": parsed.title,
            "hand_written": not parsed.is_export})
    return pm


def import_markdown(raw: bytes | str, actor: User | None) -> Postmortem:
    return store(parse(raw), actor)
