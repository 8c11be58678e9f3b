"""The post-mortem of an incident: read, write its sections, move it through
review (a PUT of `state` with the `version` it was read at)."""

from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from postmortem.api.v1 import api_user, bp, commit_and_answer, created, json_body
from postmortem.domain import incidents
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.postmortem import (
    documents,
    draft,
    readiness,
    revisions,
    templates,
    workflow,
)
from postmortem.domain.versioning import require_version
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem, User

PUT_FIELDS = ("version", "state", "reason", "comment", "sections", "reviewers",
              "is_public")
READ_ONLY = ("id", "incident_id", "template", "author", "authors", "reviews",
             "readiness", "approved_at", "approved_by", "published_at",
             "pdf_sha256", "revision", "created_at", "updated_at", "url")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _email(user: User | None) -> str | None:
    return user.email if user else None


def as_json(pm: Postmortem) -> dict[str, Any]:
    history = revisions.history(pm)
    return {
        "id": pm.id,
        "incident_id": pm.incident_id,
        "state": pm.state,
        "is_public": pm.is_public,
        "template": pm.template.name if pm.template else None,
        "author": _email(pm.author),
        "authors": [u.email for u in documents.authors(pm)],
        "reviewers": [r.user.email for r in pm.reviewers],
        "reviews": [{"reviewer": _email(r.reviewer), "decision": r.decision,
                     "comment": r.comment, "created_at": _iso(r.created_at)}
                    for r in workflow.reviews(pm)],
        "sections": [{"key": s.key, "title": s.title, "guidance": s.guidance,
                      "body": s.body} for s in pm.sections],
        "readiness": [{"name": c.name, "label": c.label, "ok": c.ok,
                       "problems": c.problems} for c in readiness.check(pm)],
        "approved_at": _iso(pm.approved_at),
        "approved_by": _email(pm.approved_by),
        "published_at": _iso(pm.published_at),
        "pdf_sha256": pm.pdf_sha256,
        "revision": history[0].number if history else 0,
        "version": pm.version,
        "created_at": _iso(pm.created_at),
        "updated_at": _iso(pm.updated_at),
        "url": url_for("postmortems.show", incident_id=pm.incident_id),
    }


def _incident(incident_id: int, user: User) -> Incident:
    return incidents.get(incident_id, user)


@bp.get("/incidents/<int:incident_id>/postmortem")
def get_postmortem(incident_id: int):
    """The post-mortem; started from the default template on a responder's
    first read."""
    user = api_user()
    pm = documents.get_or_start(_incident(incident_id, user), user)
    db.session.commit()
    return as_json(pm)


@bp.post("/incidents/<int:incident_id>/postmortem")
def start_postmortem(incident_id: int):
    """Start the post-mortem from a template (the default if none is named)."""
    user = api_user("responder")
    data = json_body(("template_id",)) if request.get_data() or request.is_json else {}
    if not isinstance(data, Mapping):
        raise ValidationError({"body": "must be a JSON object"})
    incident = _incident(incident_id, user)
    template = None
    if data.get("template_id") is not None:
        try:
            template = templates.get(data["template_id"])
        except NotFound:
            raise ValidationError({"template_id": "no such template"}) from None
    pm = documents.start(incident, user, template)
    db.session.flush()
    return created(as_json(pm), url_for("api_v1.get_postmortem",
                                        incident_id=incident.id))


@bp.put("/incidents/<int:incident_id>/postmortem")
def put_postmortem(incident_id: int):
    """Save sections, name reviewers, move the state, set the public flag."""
    user = api_user("responder")
    data = json_body(PUT_FIELDS, READ_ONLY)
    if not isinstance(data, Mapping):
        raise ValidationError({"body": "must be a JSON object"})
    pm = documents.get(_incident(incident_id, user))
    apply_put(pm, data, user)
    db.session.flush()
    return commit_and_answer(as_json(pm))


def apply_put(pm: Postmortem, data: Mapping[str, Any], user: User) -> None:
    require_version(pm, data, "post-mortem")
    target = data.get("state", pm.state)
    # Back to draft first, so the same PUT may then edit the unfrozen text.
    if target == "draft" and target != pm.state:
        workflow.move(pm, target, user, data.get("reason"), data.get("comment"))
    if "sections" in data:
        documents.save_sections(pm, {"version": pm.version,
                                     "sections": data["sections"]}, user)
    if "reviewers" in data:
        workflow.set_reviewers(pm, data["reviewers"], user)
    if target != pm.state:
        workflow.move(pm, target, user, data.get("reason"), data.get("comment"))
    if "is_public" in data:
        workflow.set_public(pm, data["is_public"], user)


@bp.post("/incidents/<int:incident_id>/postmortem/draft")
def draft_postmortem(incident_id: int):
    """Fill the sections that have no prose yet with sentences from the record."""
    user = api_user("responder")
    data = json_body(("version",))
    if not isinstance(data, Mapping):
        raise ValidationError({"body": "must be a JSON object"})
    pm = documents.get(_incident(incident_id, user))
    draft.fill(pm, data, user)
    db.session.flush()
    return commit_and_answer(as_json(pm))


@bp.get("/incidents/<int:incident_id>/postmortem/revisions")
def list_revisions(incident_id: int):
    """Every saved revision with its content, newest first."""
    user = api_user()
    pm = documents.get(_incident(incident_id, user))
    return {"items": [{"number": r.number, "kind": r.kind,
                       "author": _email(r.author), "created_at": _iso(r.created_at),
                       "sections": r.content} for r in revisions.history(pm)]}


@bp.get("/incidents/<int:incident_id>/postmortem/diff")
def diff_revisions(incident_id: int):
    """The line diff between revisions `a` and `b` (query parameters)."""
    user = api_user()
    pm = documents.get(_incident(incident_id, user))
    errors = {name: "is required: a revision number" for name in ("a", "b")
              if not request.args.get(name, "").isdigit()}
    if errors:
        raise ValidationError(errors)
    old = revisions.get(pm, request.args["a"])
    new = revisions.get(pm, request.args["b"])
    return {"a": old.number, "b": new.number,
            "lines": [{"kind": line.kind, "text": line.text}
                      for line in revisions.diff(old, new)]}
