"""Components: what users depend on; admins change them, everyone reads."""

from flask import url_for

from postmortem.api.v1 import api_user, bp, created, json_body
from postmortem.api.v1 import serializers as out
from postmortem.domain import components
from postmortem.extensions import db


@bp.get("/components")
def list_components():
    """Every component with its status derived from the open incidents the
    caller may see."""
    user = api_user()
    rows = components.list_components()
    return out.items(rows, out.component, components.current_statuses(user))


@bp.post("/components")
def create_component():
    """Add a component; the slug is made from the name unless given."""
    user = api_user("admin")
    data = json_body(out.COMPONENT_FIELDS, out.COMPONENT_READ_ONLY)
    component = components.create_component(data, user)
    # created() commits last, with the answer already built.
    return created(out.component(component, components.current_statuses(user)),
                   url_for("api_v1.get_component", slug=component.slug))


@bp.get("/components/<slug>")
def get_component(slug: str):
    """One component and its current status."""
    user = api_user()
    component = components.by_slug(slug)
    return out.component(component, components.current_statuses(user))


@bp.patch("/components/<slug>")
def update_component(slug: str):
    """Rename, regroup or reorder a component."""
    user = api_user("admin")
    data = json_body(out.COMPONENT_FIELDS, out.COMPONENT_READ_ONLY)
    component = components.update_component(components.by_slug(slug), data, user)
    db.session.commit()
    return out.component(component, components.current_statuses(user))


@bp.delete("/components/<slug>")
def delete_component(slug: str):
    """Remove a component and its place in past incidents."""
    user = api_user("admin")
    components.delete_component(components.by_slug(slug), user)
    db.session.commit()
    return "", 204
