"""Components: what users depend on, and their status derived from incidents."""

import re

import sqlalchemy as sa

from postmortem.domain import audit, visibility
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.values import SLUG_RE, Fields
from postmortem.domain.vocabulary import COMPONENT_STATUS_RANK
from postmortem.extensions import db
from postmortem.models import AffectedComponent, Component, Incident, User


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "component"


def _clean(data: dict, partial: bool) -> dict:
    fields = Fields(data, partial=partial)
    fields.text("name", 100, required=True)
    fields.slug("slug")
    fields.text("description", 2000)
    fields.text("group", 100, default=None)
    fields.number("position", minimum=0, maximum=10_000, integer=True, default=0)
    values = fields.result()
    if not partial and not values.get("slug"):
        values["slug"] = slugify(values["name"])
    if "slug" in values and values["slug"] is None:
        del values["slug"]
    return values


def list_components() -> list[Component]:
    return list(db.session.scalars(
        sa.select(Component).order_by(Component.group.nulls_first(),
                                      Component.position, Component.name)
    ))


def by_slug(slug: str) -> Component:
    # Every stored slug matches SLUG_RE; anything else (a NUL from a URL,
    # which PostgreSQL refuses to compare) cannot name a component.
    if not SLUG_RE.match(slug):
        raise NotFound(f"No component {slug!r}")
    component = db.session.scalar(sa.select(Component).where(Component.slug == slug))
    if component is None:
        raise NotFound(f"No component {slug!r}")
    return component


def by_slugs(slugs: list[str], field: str) -> dict[str, Component]:
    """Components for the slugs, or a ValidationError naming the unknown ones."""
    if not slugs:
        return {}
    found = {c.slug: c for c in db.session.scalars(
        sa.select(Component).where(Component.slug.in_(slugs)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError({field: "unknown component: " + ", ".join(unknown)})
    return found


def _check_slug_free(slug: str, component: Component | None = None) -> None:
    other = db.session.scalar(sa.select(Component).where(Component.slug == slug))
    if other is not None and other is not component:
        raise ValidationError({"slug": "is already used by another component"})


def _check_name_free(name: str, component: Component | None = None) -> None:
    """Two components with one name cannot be told apart on a status page."""
    other = db.session.scalar(sa.select(Component).where(
        sa.func.lower(Component.name) == name.lower()))
    if other is not None and other is not component:
        raise ValidationError({"name": "is already used by another component"})


def create_component(data: dict, actor: User) -> Component:
    values = _clean(data, partial=False)
    given_slug = isinstance(data, dict) and bool(data.get("slug"))
    if given_slug:
        _check_slug_free(values["slug"])
    _check_name_free(values["name"])
    try:
        _check_slug_free(values["slug"])
    except ValidationError:
        # The slug was made from the name: the name is what to change.
        raise ValidationError({"name": "makes the same slug as another "
                                       f"component ({values['slug']})"}) from None
    component = Component(**values)
    db.session.add(component)
    db.session.flush()
    audit.record(actor, "component.create", component, values)
    return component


def update_component(component: Component, data: dict, actor: User) -> Component:
    values = _clean(data, partial=True)
    if "slug" in values:
        _check_slug_free(values["slug"], component)
    changes = audit.diff(component, values)
    for name, value in values.items():
        setattr(component, name, value)
    audit.record(actor, "component.update", component, changes)
    return component


def incident_count(component: Component) -> int:
    """How many incidents list the component (deleting it drops it from them)."""
    return db.session.scalar(
        sa.select(sa.func.count(AffectedComponent.id))
        .where(AffectedComponent.component_id == component.id)
    ) or 0


def delete_component(component: Component, actor: User) -> None:
    audit.record(actor, "component.delete", component, {"slug": component.slug})
    db.session.delete(component)


def current_statuses(viewer: User | None = visibility.SYSTEM) -> dict[int, str]:
    """{component id: worst status among the unresolved incidents `viewer`
    may see}; absent means operational. A private incident must not show
    through a component's status to someone it does not exist for."""
    rows = db.session.execute(
        sa.select(AffectedComponent.component_id, AffectedComponent.status)
        .join(Incident)
        .where(Incident.status != "resolved", AffectedComponent.ended_at.is_(None),
               visibility.visible_clause(viewer))
    )
    worst: dict[int, str] = {}
    for component_id, status in rows:
        current = worst.get(component_id, "operational")
        if COMPONENT_STATUS_RANK[status] > COMPONENT_STATUS_RANK[current]:
            worst[component_id] = status
    return worst
