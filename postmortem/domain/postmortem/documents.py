"""Starting a post-mortem from a template and saving its sections."""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import Conflict, NotFound, ValidationError
from postmortem.domain.postmortem import revisions
from postmortem.domain.postmortem import templates as template_domain
from postmortem.domain.postmortem.rendering import markdown_problem, unknown_markers
from postmortem.domain.versioning import require_version, save
from postmortem.extensions import db
from postmortem.models import (
    Incident,
    Postmortem,
    PostmortemRevision,
    PostmortemSection,
    PostmortemTemplate,
    User,
)
from postmortem.models.types import utcnow

# A section is a few pages at most; a megabyte is a paste gone wrong, and
# would make every page, diff and PDF of the document slow.
MAX_SECTION_CHARS = 100_000
EDITABLE_STATES = ("draft", "in_review")


def find(incident: Incident) -> Postmortem | None:
    return db.session.scalar(sa.select(Postmortem).where(
        Postmortem.incident_id == incident.id))


def get(incident: Incident) -> Postmortem:
    pm = find(incident)
    if pm is None:
        raise NotFound("This incident has no post-mortem yet")
    return pm


def start(incident: Incident, actor: User | None,
          template: PostmortemTemplate | None = None,
          author: bool = True) -> Postmortem:
    """A new post-mortem for `incident` with the sections of `template` (the
    default one if None). `author`: whether `actor` becomes its author (an
    explicit start), or merely opened the page (the first save decides)."""
    if find(incident) is not None:
        raise Conflict("This incident already has a post-mortem")
    template = template or template_domain.default_template()
    pm = Postmortem(
        incident=incident, template_id=template.id, state="draft",
        author_id=actor.id if actor is not None and author else None,
        sections=[PostmortemSection(position=s.position, key=s.key, title=s.title,
                                    guidance=s.guidance, body=s.body)
                  for s in template.sections])
    db.session.add(pm)
    save(pm)
    revisions.record(pm, actor if author else None, "start")
    audit.record(actor, "postmortem.start", pm,
                 {"incident_id": incident.id, "template": template.name})
    return pm


def get_or_start(incident: Incident, actor: User | None) -> Postmortem:
    """The incident's post-mortem, started from the default template on first
    sight by someone who may write it."""
    pm = find(incident)
    if pm is not None:
        return pm
    if actor is None or not actor.has_role("responder"):
        raise NotFound("This incident has no post-mortem yet")
    return start(incident, actor, author=False)


def check_editable(pm: Postmortem) -> None:
    if pm.state not in EDITABLE_STATES:
        raise Conflict(f"An {pm.state.replace('_', ' ')} post-mortem is frozen; "
                       "move it back to draft (with a reason) to edit it.")


def clean_body(key: str, raw: Any, errors: dict[str, str]) -> str | None:
    """A section body as typed, or None with the problem in `errors`."""
    field = f"sections.{key}"
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[field] = "must be a string of Markdown"
        return None
    if len(raw) > MAX_SECTION_CHARS:
        errors[field] = (f"is {len(raw):,} characters; a section may have at "
                         f"most {MAX_SECTION_CHARS:,}")
        return None
    if "\x00" in raw:
        errors[field] = "must not contain NUL characters"
        return None
    if unknown := unknown_markers(raw):
        errors[field] = template_domain.unknown_marker_message(unknown)
        return None
    if problem := markdown_problem(raw):
        errors[field] = problem
        return None
    # Line endings from browsers are CRLF; store one kind so diffs compare text.
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _entry(key: str, item: Mapping, errors: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if "body" in item:
        body = clean_body(key, item["body"], errors)
        if body is not None:
            entry["body"] = body
    if "title" in item:
        title = item["title"]
        if not isinstance(title, str) or not title.strip() or len(title) > 120:
            errors[f"sections.{key}.title"] = "must be 1 to 120 characters"
        else:
            entry["title"] = title.strip()
    return entry


def _wanted(pm: Postmortem, raw: Any) -> dict[str, dict[str, Any]]:
    """{key: {body, title?}} from a list of {key, title, body} or a
    {key: body} mapping, with every problem gathered by field."""
    known = {s.key for s in pm.sections}
    if isinstance(raw, Mapping):
        raw = [{"key": k, "body": v} for k, v in raw.items()]
    if not isinstance(raw, list):
        raise ValidationError({"sections": "must be a list of {key, title, body}"})
    errors: dict[str, str] = {}
    wanted: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            errors[f"sections.{index}"] = "must be an object with a key"
            continue
        key = item["key"]
        if key not in known:
            errors[f"sections.{key}"[:80]] = "is not a section of this post-mortem"
            continue
        wanted[key] = _entry(key, item, errors)
    if errors:
        raise ValidationError(errors, "The post-mortem was not saved: "
                              + "; ".join(f"{k} {v}" for k, v in errors.items()))
    return wanted


def check_bodies(pm: Postmortem, bodies: Mapping[str, Any]) -> dict[str, str]:
    """Cleaned bodies for a preview, or a ValidationError as a save gives."""
    wanted = _wanted(pm, [{"key": k, "body": v} for k, v in bodies.items()])
    return {key: entry["body"] for key, entry in wanted.items() if "body" in entry}


def save_sections(pm: Postmortem, data: Any, actor: User,
                  kind: str = "save") -> PostmortemRevision | None:
    """Save new section bodies (and titles) based on `data["version"]`; a
    revision records the result. None when nothing changed."""
    if not isinstance(data, Mapping):
        raise ValidationError({"body": "must be a JSON object"})
    require_version(pm, data, "post-mortem")
    check_editable(pm)
    wanted = _wanted(pm, data.get("sections", []))
    changed = False
    for section in pm.sections:
        for name, value in wanted.get(section.key, {}).items():
            if getattr(section, name) != value:
                setattr(section, name, value)
                changed = True
    if not changed:
        return None
    return commit_revision(pm, actor, kind)


def commit_revision(pm: Postmortem, actor: User | None,
                    kind: str) -> PostmortemRevision:
    """Bump the document's version and keep its content as a revision."""
    if pm.author_id is None and actor is not None:
        pm.author_id = actor.id
    # Section rows changed, not the post-mortem row: touch it so its version
    # moves and a concurrent save based on the old one is refused.
    pm.updated_at = utcnow()
    save(pm)
    revision = revisions.record(pm, actor, kind)
    audit.record(actor, f"postmortem.{kind}", pm,
                 {"revision": revision.number})
    return revision


def authors(pm: Postmortem) -> list[User]:
    """Who wrote it: the author and everyone who saved a revision."""
    ids = [pm.author_id] if pm.author_id else []
    ids += list(db.session.scalars(
        sa.select(PostmortemRevision.author_id).where(
            PostmortemRevision.postmortem_id == pm.id,
            PostmortemRevision.author_id.is_not(None),
            PostmortemRevision.kind != "start")
        .order_by(PostmortemRevision.number)))
    ordered = list(dict.fromkeys(ids))
    users = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(ordered)))}
    return [users[i] for i in ordered if i in users]
