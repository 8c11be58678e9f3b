"""Post-mortem templates: the default (Google SRE) one and the admins' own."""

import re
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import Conflict, NotFound, ValidationError
from postmortem.domain.postmortem.blocks import BLOCK_NAMES
from postmortem.domain.postmortem.rendering import markdown_problem, unknown_markers
from postmortem.domain.values import Fields
from postmortem.domain.versioning import require_version, save
from postmortem.extensions import db
from postmortem.models import Postmortem, PostmortemTemplate, TemplateSection, User

DEFAULT_NAME = "Google SRE"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_SECTIONS = 40
MAX_GUIDANCE = 5_000
MAX_STARTER = 20_000

# (key, title, guidance, starting body). Every generated block is used once.
DEFAULT_SECTIONS = (
    ("summary", "Summary",
     "Two or three sentences a busy reader can stop after: what happened, who "
     "was affected, for how long, and what it cost. \"Draft from incident\" "
     "writes a first version from the record.", ""),
    ("impact", "Impact",
     "Who and what was affected, how badly and for how long. The scope table "
     "and the chart below are generated from the incident; add what the "
     "numbers do not say (lost work, support load, contracts).",
     "{{ impact }}\n\n{{ impact_chart }}"),
    ("root_causes", "Root causes",
     "Why it happened: the failure point and the conditions that let it "
     "spread. Keep asking why until you reach something the team can change. "
     "Blameless: describe systems and decisions, not people.", ""),
    ("trigger", "Trigger",
     "What set it off, and when: a deploy, a configuration change, a traffic "
     "pattern, a dependency failing.", ""),
    ("resolution", "Resolution",
     "What stopped the impact and what restored service, in order, including "
     "what was tried and did not help.", ""),
    ("detection", "Detection",
     "How and when we learned about it (monitoring, users, an outage "
     "tracker), and how we could have learned sooner.", ""),
    ("action_items", "Action items",
     "The work that prevents a repeat (prevent), limits the next one "
     "(mitigate), finds it sooner (detect) or fixes how we worked (process). "
     "Every item needs an owner and a due date; manage them on the incident "
     "page and the table below follows.", "{{ action_items }}"),
    ("lessons_learned", "Lessons learned",
     "Three short lists. What went well; what went wrong; where we got lucky "
     "(what could have made it much worse and did not).",
     "### What went well\n\n### What went wrong\n\n### Where we got lucky\n"),
    ("timeline", "Timeline",
     "The key events in UTC, generated from the milestones, the status "
     "updates and the starred events of the incident: star an event to add "
     "it. Add context the record lacks.", "{{ timeline }}"),
    ("supporting_information", "Supporting information",
     "Links to dashboards, graphs, logs and related incidents. The milestone "
     "durations below are generated.", "{{ metrics }}"),
)


def _create_default() -> PostmortemTemplate:
    template = PostmortemTemplate(
        name=DEFAULT_NAME, is_default=True,
        description="The sections of a post-mortem in Google's Site "
                    "Reliability Engineering practice.",
        sections=[TemplateSection(position=i, key=k, title=t, guidance=g, body=b)
                  for i, (k, t, g, b) in enumerate(DEFAULT_SECTIONS)])
    db.session.add(template)
    db.session.flush()
    return template


def default_template() -> PostmortemTemplate:
    """The template new post-mortems start from; made on first use."""
    template = db.session.scalar(
        sa.select(PostmortemTemplate).where(PostmortemTemplate.is_default.is_(True))
        .order_by(PostmortemTemplate.id).limit(1))
    if template is not None:
        return template
    named = db.session.scalar(sa.select(PostmortemTemplate).where(
        PostmortemTemplate.name == DEFAULT_NAME))
    if named is not None:
        named.is_default = True
        return named
    return _create_default()


def all_templates() -> list[PostmortemTemplate]:
    default_template()
    return list(db.session.scalars(
        sa.select(PostmortemTemplate).order_by(PostmortemTemplate.name)))


def get(template_id: Any) -> PostmortemTemplate:
    try:
        template_id = int(template_id)
    except (TypeError, ValueError):
        raise NotFound("No such template") from None
    template = (db.session.get(PostmortemTemplate, template_id)
                if 0 < template_id < 2**31 else None)
    if template is None:
        raise NotFound("No such template")
    return template


def _clean_sections(raw: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    if not isinstance(raw, list) or not raw:
        errors["sections"] = "must be a non-empty list of sections"
        return []
    if len(raw) > MAX_SECTIONS:
        errors["sections"] = f"must have at most {MAX_SECTIONS} sections"
        return []
    out: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        fields = Fields(item) if isinstance(item, dict) else None
        if fields is None:
            errors[f"sections.{index}"] = "must be an object {key, title, guidance}"
            continue
        fields.text("key", 64, required=True)
        fields.text("title", 120, required=True)
        fields.text("guidance", MAX_GUIDANCE)
        fields.text("body", MAX_STARTER)
        errors.update({f"sections.{index}.{k}": v for k, v in fields.errors.items()})
        values = fields.values
        key = values.get("key")
        if key and not KEY_RE.match(key):
            errors[f"sections.{index}.key"] = (
                "must be lower-case letters, digits and _, starting with a letter")
        elif key and any(s["key"] == key for s in out):
            errors[f"sections.{index}.key"] = f"{key!r} is used twice"
        if unknown := unknown_markers(values.get("body", "")):
            errors[f"sections.{index}.body"] = unknown_marker_message(unknown)
        elif problem := markdown_problem(values.get("body", "")):
            errors[f"sections.{index}.body"] = problem
        out.append({k: values.get(k, "") for k in ("key", "title", "guidance",
                                                   "body")})
    return out


def unknown_marker_message(names: list[str]) -> str:
    shown = ", ".join("{{ " + n + " }}" for n in dict.fromkeys(names))
    known = ", ".join("{{ " + n + " }}" for n in BLOCK_NAMES)
    return f"unknown marker {shown}; the markers are {known}"


def _clean(data: Any, partial: bool) -> dict[str, Any]:
    fields = Fields(data, partial=partial)
    fields.text("name", 120, required=True)
    fields.text("description", 2_000)
    fields.flag("is_default")
    errors = dict(fields.errors)
    values = dict(fields.values)
    if "sections" in data or not partial:
        values["sections"] = _clean_sections(data.get("sections"), errors)
    if errors:
        raise ValidationError(errors)
    return values


def _name_taken(name: str, template: PostmortemTemplate | None) -> bool:
    query = sa.select(PostmortemTemplate.id).where(PostmortemTemplate.name == name)
    if template is not None:
        query = query.where(PostmortemTemplate.id != template.id)
    return db.session.scalar(query) is not None


def _apply(template: PostmortemTemplate, values: dict[str, Any]) -> None:
    if "name" in values:
        if _name_taken(values["name"], template if template.id else None):
            raise ValidationError({"name": "another template has this name"})
        template.name = values["name"]
    if "description" in values:
        template.description = values["description"]
    if "sections" in values:
        template.sections = [TemplateSection(position=i, **s)
                             for i, s in enumerate(values["sections"])]
    if values.get("is_default"):
        for other in db.session.scalars(sa.select(PostmortemTemplate).where(
                PostmortemTemplate.is_default.is_(True))):
            if other is not template:
                other.is_default = False
        template.is_default = True


def create(data: Any, actor: User) -> PostmortemTemplate:
    values = _clean(data, partial=False)
    template = PostmortemTemplate(is_default=False)
    _apply(template, values)
    db.session.add(template)
    save(template)
    audit.record(actor, "postmortem_template.create", template,
                 {"name": template.name})
    return template


def update(template: PostmortemTemplate, data: Any, actor: User) -> PostmortemTemplate:
    require_version(template, data, "template")
    values = _clean(data, partial=True)
    if values.get("is_default") is False and template.is_default:
        raise ValidationError({"is_default": "make another template the default "
                                             "instead"})
    _apply(template, values)
    save(template)
    audit.record(actor, "postmortem_template.update", template,
                 {"name": template.name})
    return template


def delete(template: PostmortemTemplate, actor: User) -> None:
    if template.is_default:
        raise Conflict("The default template cannot be deleted; make another "
                       "one the default first.")
    in_use = db.session.scalar(sa.select(sa.func.count(Postmortem.id)).where(
        Postmortem.template_id == template.id))
    audit.record(actor, "postmortem_template.delete", template,
                 {"name": template.name, "documents": in_use})
    # Documents keep their own copy of the sections, so they are unaffected.
    db.session.delete(template)
    db.session.flush()
