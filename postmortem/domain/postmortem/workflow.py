"""The review workflow: draft -> in_review -> approved -> published, and back
to draft with a reason; reviewers, reviews and the public flag.

An invalid move is a Conflict (409), a missing right Forbidden (403). The
author (anyone who wrote the document) never approves it; publishing and
un-publishing need an admin. Approval freezes the document: the generated
blocks are snapshotted so what was approved renders the same ever after.
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit, visibility
from postmortem.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from postmortem.domain.postmortem import blocks, documents, readiness
from postmortem.domain.versioning import save
from postmortem.extensions import db
from postmortem.models import (
    Postmortem,
    PostmortemReview,
    PostmortemReviewer,
    PostmortemTransition,
    User,
)
from postmortem.models.postmortem import POSTMORTEM_STATES
from postmortem.models.types import utcnow

MOVES = {
    ("draft", "in_review"): "submit",
    ("in_review", "approved"): "approve",
    ("approved", "published"): "publish",
    ("in_review", "draft"): "return",
    ("approved", "draft"): "return",
    ("published", "draft"): "return",
}
MAX_REASON = 5_000
MAX_REVIEWERS = 20

# Called with the post-mortem right after it is approved and frozen (the
# exports store the approved PDF and its SHA-256 here).
def _store_approved_pdf(pm: Postmortem) -> None:
    from postmortem.domain.exports.service import freeze_pdf  # exports (6b)

    freeze_pdf(pm)


on_approved: list[Callable[[Postmortem], None]] = [_store_approved_pdf]


def allowed_moves(pm: Postmortem, actor: User | None) -> list[str]:
    """The states `actor` may move `pm` to now (for buttons)."""
    out = []
    for (source, target), _name in MOVES.items():
        if source != pm.state:
            continue
        try:
            _check_right(pm, target, actor)
        except Forbidden:
            continue
        out.append(target)
    return out


def _check_right(pm: Postmortem, target: str, actor: User | None) -> None:
    if actor is None or not actor.has_role("responder"):
        raise Forbidden("Only responders may move a post-mortem through review")
    needs_admin = target == "published" or pm.state == "published"
    if needs_admin and not actor.has_role("admin"):
        raise Forbidden("Publishing or un-publishing a post-mortem needs an admin")
    if target == "approved" and actor.id in {u.id for u in documents.authors(pm)}:
        raise Forbidden("You wrote this post-mortem, so you cannot approve it; "
                        "another responder must")


def _text(value: Any, name: str, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({name: "must be a string"})
    value = value.strip()
    if "\x00" in value:
        raise ValidationError({name: "must not contain NUL characters"})
    if len(value) > MAX_REASON:
        raise ValidationError({name: f"must be at most {MAX_REASON} characters"})
    if required and not value:
        raise ValidationError({name: "is required: say why it goes back to draft"})
    return value


def move(pm: Postmortem, target: Any, actor: User | None, reason: Any = "",
         comment: Any = "") -> PostmortemTransition:
    """Move `pm` to `target`; the caller has checked the version."""
    if target not in POSTMORTEM_STATES:
        raise ValidationError({"state": "must be one of: "
                               + ", ".join(POSTMORTEM_STATES)})
    source = pm.state
    if (source, target) not in MOVES:
        raise Conflict(f"A post-mortem cannot move from {source} to {target}",
                       {"state": f"cannot move from {source} to {target}"})
    _check_right(pm, target, actor)
    reason = _text(reason, "reason", required=target == "draft")
    comment = _text(comment, "comment", required=False)
    if target == "approved":
        readiness.require_ready(pm)
    _apply(pm, source, target, actor, reason or comment)
    transition = PostmortemTransition(postmortem_id=pm.id, from_state=source,
                                      to_state=target, actor_id=actor.id,
                                      reason=reason or comment)
    db.session.add(transition)
    pm.updated_at = utcnow()
    save(pm)
    audit.record(actor, f"postmortem.{MOVES[(source, target)]}", pm,
                 {"state": [source, target], "reason": reason or comment})
    if target == "approved":
        for hook in on_approved:
            hook(pm)
    return transition


def _apply(pm: Postmortem, source: str, target: str, actor: User,
           note: str) -> None:
    pm.state = target
    authors = {u.id for u in documents.authors(pm)}
    if target == "approved":
        pm.snapshot = blocks.snapshot(pm.incident)
        pm.approved_at = utcnow()
        pm.approved_by_id = actor.id
        _review(pm, actor, "approve", note)
    elif target == "published":
        pm.published_at = utcnow()
    elif target == "draft":
        if source == "in_review" and actor.id not in authors:
            _review(pm, actor, "changes_requested", note)
        # Live again: the blocks follow the incident until the next approval.
        pm.snapshot = None
        pm.approved_at = pm.approved_by_id = pm.published_at = None
        pm.approved_pdf = pm.pdf_sha256 = None
        pm.is_public = False


def _review(pm: Postmortem, actor: User, decision: str, comment: str) -> None:
    db.session.add(PostmortemReview(postmortem_id=pm.id, reviewer_id=actor.id,
                                    decision=decision, comment=comment))


def request_changes(pm: Postmortem, actor: User, comment: Any) -> None:
    """A reviewer sends it back to its author with what to change."""
    if pm.state != "in_review":
        raise Conflict("Only a post-mortem in review can have changes requested",
                       {"state": f"is {pm.state}"})
    if actor is not None and actor.id in {u.id for u in documents.authors(pm)}:
        raise Forbidden("You wrote this post-mortem; move it back to draft "
                        "instead of reviewing it")
    move(pm, "draft", actor, reason=comment)


def set_public(pm: Postmortem, public: Any, actor: User | None) -> None:
    if not isinstance(public, bool):
        raise ValidationError({"is_public": "must be true or false"})
    if public == pm.is_public:
        return
    if actor is None or not actor.has_role("admin"):
        raise Forbidden("Only an admin may make a post-mortem public")
    if public and pm.state != "published":
        raise Conflict("Only a published post-mortem can be public",
                       {"is_public": "publish it first"})
    if public and not pm.incident.is_public:
        raise Conflict("The post-mortem of a private incident cannot be public",
                       {"is_public": "the incident is private"})
    pm.is_public = public
    pm.updated_at = utcnow()
    save(pm)
    audit.record(actor, "postmortem.public", pm, {"is_public": public})


def reviews(pm: Postmortem) -> list[PostmortemReview]:
    return list(db.session.scalars(
        sa.select(PostmortemReview).where(PostmortemReview.postmortem_id == pm.id)
        .order_by(PostmortemReview.created_at.desc(), PostmortemReview.id.desc())))


def transitions(pm: Postmortem) -> list[PostmortemTransition]:
    return list(db.session.scalars(
        sa.select(PostmortemTransition)
        .where(PostmortemTransition.postmortem_id == pm.id)
        .order_by(PostmortemTransition.at.desc(), PostmortemTransition.id.desc())))


def approvers(pm: Postmortem) -> list[User]:
    """Who approved the current approval (empty while a draft)."""
    return [pm.approved_by] if pm.approved_by is not None else []


def candidate_reviewers(pm: Postmortem) -> list[User]:
    """Responders who may review: not an author, able to see the incident."""
    authors = {u.id for u in documents.authors(pm)}
    named = {r.user_id for r in pm.reviewers}
    users = db.session.scalars(sa.select(User).where(
        User.active.is_(True), User.role.in_(("responder", "admin")))
        .order_by(User.name, User.email))
    return [u for u in users if u.id not in authors | named
            and visibility.can_see(u, pm.incident)]


def _find_user(ref: Any) -> User:
    user = None
    if isinstance(ref, int) and not isinstance(ref, bool) and 0 < ref < 2**31:
        user = db.session.get(User, ref)
    elif isinstance(ref, str) and ref.strip().isdigit() and len(ref.strip()) < 10:
        user = db.session.get(User, int(ref.strip()))
    elif isinstance(ref, str) and ref.strip():
        user = db.session.scalar(sa.select(User).where(
            sa.func.lower(User.email) == ref.strip().lower()[:254]))
    if user is None or not user.active:
        raise NotFound("No such user")
    return user


def add_reviewer(pm: Postmortem, ref: Any, actor: User | None) -> PostmortemReviewer:
    """Request `ref`'s review (a user id or email)."""
    if actor is None or not actor.has_role("responder"):
        raise Forbidden("Only responders may request reviews")
    try:
        user = _find_user(ref)
    except NotFound:
        message = f"no active user {str(ref)[:80]!r}"
        raise ValidationError({"reviewers": message}, message) from None
    problem = None
    if not user.has_role("responder"):
        problem = "is a viewer and cannot review"
    elif user.id in {u.id for u in documents.authors(pm)}:
        problem = "wrote this post-mortem and cannot review it"
    elif not visibility.can_see(user, pm.incident):
        problem = "cannot see this private incident; add them to it first"
    elif len(pm.reviewers) >= MAX_REVIEWERS:
        problem = f"would be one too many (at most {MAX_REVIEWERS} reviewers)"
    if problem:
        message = f"{user.display_name} {problem}"
        raise ValidationError({"reviewers": message}, message)
    existing = next((r for r in pm.reviewers if r.user_id == user.id), None)
    if existing is not None:
        return existing
    reviewer = PostmortemReviewer(user=user, requested_by_id=actor.id)
    pm.reviewers.append(reviewer)
    db.session.flush()
    audit.record(actor, "postmortem.request_review", pm, {"reviewer": user.email})
    return reviewer


def remove_reviewer(pm: Postmortem, user_id: Any, actor: User | None) -> None:
    if actor is None or not actor.has_role("responder"):
        raise Forbidden("Only responders may change reviewers")
    row = next((r for r in pm.reviewers if str(r.user_id) == str(user_id)), None)
    if row is None:
        raise NotFound("No such reviewer")
    pm.reviewers.remove(row)
    db.session.flush()
    audit.record(actor, "postmortem.remove_reviewer", pm, {"reviewer": row.user.email})


def set_reviewers(pm: Postmortem, refs: Any, actor: User | None) -> None:
    """Make the named reviewers exactly `refs` (API PUT)."""
    if not isinstance(refs, list):
        raise ValidationError({"reviewers": "must be a list of user ids or emails"})
    wanted = [add_reviewer(pm, ref, actor).user_id for ref in refs]
    for row in list(pm.reviewers):
        if row.user_id not in wanted:
            remove_reviewer(pm, row.user_id, actor)
