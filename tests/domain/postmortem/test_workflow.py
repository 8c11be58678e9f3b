"""The review workflow: who may make which move, and what each move does."""

import pytest

from postmortem.domain import actions, incidents
from postmortem.domain.errors import Conflict, Forbidden, ValidationError
from postmortem.domain.postmortem import documents, readiness, workflow
from postmortem.extensions import db
from postmortem.models import PostmortemReview, PostmortemTransition
from tests import factories
from tests.postmortem_data import write_everything


@pytest.fixture
def ready(pm, author):
    write_everything(pm, author)
    assert readiness.problems(pm) == {}
    return pm


def test_full_path_and_freeze(ready, author, reviewer, admin, outage):
    workflow.move(ready, "in_review", author)
    workflow.move(ready, "approved", reviewer, comment="Clear and complete")
    assert ready.state == "approved" and ready.approved_by_id == reviewer.id
    assert ready.snapshot["incident"]["title"] == "Website and API down"
    assert set(ready.snapshot["blocks"]) == {"timeline", "impact", "impact_chart",
                                             "metrics", "action_items"}
    review = db.session.scalars(db.select(PostmortemReview)).one()
    assert (review.decision, review.comment) == ("approve", "Clear and complete")
    with pytest.raises(Conflict):
        documents.save_sections(ready, {"version": ready.version, "sections": [
            {"key": "summary", "body": "rewrite"}]}, author)
    workflow.move(ready, "published", admin)
    assert ready.published_at is not None
    workflow.set_public(ready, True, admin)
    assert ready.is_public
    db.session.commit()
    moves = [(t.from_state, t.to_state) for t in
             db.session.scalars(db.select(PostmortemTransition)
                                .order_by(PostmortemTransition.id))]
    assert moves == [("draft", "in_review"), ("in_review", "approved"),
                     ("approved", "published")]


def test_author_never_approves_own(ready, author):
    workflow.move(ready, "in_review", author)
    with pytest.raises(Forbidden, match="cannot approve"):
        workflow.move(ready, "approved", author)


def test_co_author_cannot_approve_either(ready, author, reviewer):
    documents.save_sections(ready, {"version": ready.version, "sections": [
        {"key": "trigger", "body": "A co-author's trigger."}]}, reviewer)
    workflow.move(ready, "in_review", author)
    with pytest.raises(Forbidden):
        workflow.move(ready, "approved", reviewer)


def test_publish_needs_admin(ready, author, reviewer):
    workflow.move(ready, "in_review", author)
    workflow.move(ready, "approved", reviewer)
    with pytest.raises(Forbidden, match="admin"):
        workflow.move(ready, "published", reviewer)


@pytest.mark.parametrize("path,target", [
    ((), "approved"), ((), "published"), ((), "draft"),
    (("in_review",), "published"), (("in_review",), "in_review"),
])
def test_invalid_moves_conflict(ready, author, path, target):
    for state in path:
        workflow.move(ready, state, author)
    with pytest.raises(Conflict):
        workflow.move(ready, target, author, reason="because")


def test_unknown_state_is_invalid(pm, author):
    with pytest.raises(ValidationError):
        workflow.move(pm, "shipped", author)


def test_viewer_moves_nothing(ready, author):
    viewer = factories.user("viewer")
    with pytest.raises(Forbidden):
        workflow.move(ready, "in_review", viewer)


def test_back_to_draft_needs_reason_and_unfreezes(ready, author, reviewer, outage):
    workflow.move(ready, "in_review", author)
    workflow.move(ready, "approved", reviewer)
    with pytest.raises(ValidationError, match="reason"):
        workflow.move(ready, "draft", reviewer, reason="  ")
    workflow.move(ready, "draft", reviewer, reason="Impact numbers were revised")
    assert ready.snapshot is None and ready.approved_at is None
    assert ready.state == "draft"


def test_request_changes_is_a_review(ready, author, reviewer):
    workflow.move(ready, "in_review", author)
    workflow.request_changes(ready, reviewer, "Name the trigger precisely")
    assert ready.state == "draft"
    review = db.session.scalars(db.select(PostmortemReview)).one()
    assert review.decision == "changes_requested"
    assert review.comment == "Name the trigger precisely"


def test_approval_enforces_readiness(pm, author, reviewer):
    workflow.move(pm, "in_review", author)
    with pytest.raises(readiness.NotReady) as caught:
        workflow.move(pm, "approved", reviewer)
    assert caught.value.http_status == 409
    assert "sections" in caught.value.fields


def test_public_only_once_published(ready, admin, author):
    with pytest.raises(Conflict):
        workflow.set_public(ready, True, admin)
    with pytest.raises(Forbidden):
        workflow.set_public(ready, True, author)


def test_reviewers(pm, author, reviewer):
    workflow.add_reviewer(pm, reviewer.email, author)
    workflow.add_reviewer(pm, reviewer.id, author)  # twice is once
    assert [r.user_id for r in pm.reviewers] == [reviewer.id]
    with pytest.raises(ValidationError, match="is a viewer"):
        workflow.add_reviewer(pm, factories.user("viewer").email, author)
    with pytest.raises(ValidationError, match="no active user"):
        workflow.add_reviewer(pm, "nobody@example.com", author)
    workflow.set_reviewers(pm, [], author)
    assert pm.reviewers == []


def test_reviewer_must_see_private_incident(pm, author, reviewer, outage):
    documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": "summary", "body": "Author wrote this"}]}, author)
    incidents.update(outage, {"version": outage.version, "is_public": False}, author)
    db.session.commit()
    with pytest.raises(ValidationError, match="private"):
        workflow.add_reviewer(pm, reviewer.email, author)


def test_action_item_readiness(ready, outage, author):
    actions.create(outage, {"title": "Nobody's job"}, author)
    db.session.commit()
    problems = readiness.problems(ready)
    assert "“Nobody's job” needs an owner and a due date" in problems["action_items"]
