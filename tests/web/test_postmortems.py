"""Post-mortem pages: view, edit with preview, stale saves, review buttons,
revisions and diffs, admin templates, private incidents."""

import pytest

from postmortem.domain import incidents
from postmortem.domain.postmortem import documents, templates
from postmortem.extensions import db
from postmortem.models import Postmortem, PostmortemTemplate
from tests import factories
from tests.conftest import login
from tests.postmortem_data import build_outage, write_everything


@pytest.fixture
def outage(responder):
    return build_outage(responder)


@pytest.fixture
def page(outage):
    return f"/incidents/{outage.id}/postmortem"


def stored(outage) -> Postmortem:
    db.session.expire_all()
    return documents.find(outage)


def body_fields(pm, **bodies) -> dict[str, str]:
    data = {f"body_{s.key}": s.body for s in pm.sections}
    data.update({f"body_{k}": v for k, v in bodies.items()})
    return data | {"version": str(pm.version)}


def test_incident_page_links_the_postmortem(client, responder, outage, page):
    login(client, responder)
    assert page in client.get(f"/incidents/{outage.id}").get_data(as_text=True)


def test_first_visit_starts_and_shows_blocks(client, responder, outage, page):
    login(client, responder)
    html = client.get(page).get_data(as_text=True)
    assert "Root causes" in html and "Readiness" in html
    assert "<svg" in html and "Outage tracker spike" in html
    assert stored(outage).state == "draft"


def test_viewer_sees_none_then_reads(client, viewer, responder, outage, page):
    login(client, viewer)
    assert client.get(page).status_code == 404
    documents.start(outage, responder)
    db.session.commit()
    assert client.get(page).status_code == 200
    assert client.get(f"{page}/edit").status_code == 403
    assert client.post(f"{page}/move", data={"state": "in_review",
                                             "version": "1"}).status_code == 403


def test_edit_shows_guidance_preview_and_saves(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    html = client.get(f"{page}/edit").get_data(as_text=True)
    assert "Writing guidance" in html and "Keep asking why" in html
    preview = client.post(f"{page}/edit", data=body_fields(
        pm, summary="**Bold** <script>alert(1)</script>") | {"preview": "1"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<strong>Bold</strong>" in text and "<script>alert" not in text
    assert stored(outage).section("summary").body == ""  # preview saves nothing
    saved = client.post(f"{page}/edit", data=body_fields(pm, summary="It broke."))
    assert saved.status_code == 302
    assert stored(outage).section("summary").body == "It broke."


def test_stale_save_keeps_both_texts(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    seen = body_fields(pm, summary="My careful words.")
    other = factories.user("responder")
    documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": "summary", "body": "Their words."}]}, other)
    db.session.commit()
    response = client.post(f"{page}/edit", data=seen)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "My careful words." in html and "Their words." in html
    assert stored(outage).section("summary").body == "Their words."


def test_bad_section_shown_beside_field(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    response = client.post(f"{page}/edit", data=body_fields(
        pm, trigger="{{ oops }}", summary="x" * 1_000_001))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "unknown marker {{ oops }}" in html
    assert "a section may have at most 100,000" in html
    assert stored(outage).section("summary").body == ""


def test_hostile_text_is_inert_on_the_page(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    client.post(f"{page}/edit", data=body_fields(
        pm, summary='<script>alert(1)</script><img src=x onerror="alert(2)">'
                    # A paragraph of its own: after an HTML block on the same
                    # line CommonMark would keep the links as plain text.
                    "\n\n[a](javascript:alert(3)) [b](data:text/html,hi)"))
    html = client.get(page).get_data(as_text=True)
    assert "<script>alert" not in html and "onerror" not in html
    assert "javascript:alert" not in html and 'href="data:' not in html


def test_review_buttons(client, responder, outage, page):
    pm = documents.start(outage, responder)
    db.session.commit()
    write_everything(pm, responder)
    login(client, responder)
    assert client.post(f"{page}/move", data={"state": "in_review",
                                             "version": str(pm.version)}
                       ).status_code == 302
    pm = stored(outage)
    own = client.post(f"{page}/move", data={"state": "approved",
                                            "version": str(pm.version)})
    assert own.status_code == 403
    assert "cannot approve" in own.get_data(as_text=True)
    invalid = client.post(f"{page}/move", data={"state": "published",
                                                "version": str(pm.version)})
    assert invalid.status_code == 409
    client.post("/logout")
    login(client, factories.user("responder"))
    assert "Approve" in client.get(page).get_data(as_text=True)
    approved = client.post(f"{page}/move", data={"state": "approved",
                                                 "version": str(pm.version),
                                                 "reason": "Good."})
    assert approved.status_code == 302
    assert stored(outage).state == "approved"
    html = client.get(page).get_data(as_text=True)
    assert "frozen" in html and "Edit sections" not in html


def test_draft_button_and_revision_diff(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    response = client.post(f"{page}/draft", data={"version": str(pm.version)})
    assert response.status_code == 302
    assert stored(outage).section("summary").body.startswith("On Monday")
    diff = client.get(f"{page}/diff?a=1&b=2").get_data(as_text=True)
    assert "pm-diff-added" in diff and "On Monday 16 November 2026" in diff
    assert client.get(f"{page}/revisions/2").status_code == 200
    assert client.get(f"{page}/diff?a=1&b=9").status_code == 404


def test_reviewer_requests(client, responder, outage, page):
    other = factories.user("responder", name="Rita Review")
    login(client, responder)
    client.get(page)
    assert "Rita Review" in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}/reviewers", data={"reviewer-user_id":
                                                      str(other.id)})
    assert response.status_code == 302
    assert [r.user_id for r in stored(outage).reviewers] == [other.id]
    client.post(f"{page}/reviewers/{other.id}/remove")
    assert stored(outage).reviewers == []


def test_private_incident_postmortem_is_404(client, responder, outage, page):
    admin = factories.user("admin")
    documents.start(outage, responder)
    incidents.update(outage, {"version": outage.version, "is_public": False}, admin)
    db.session.commit()
    outsider = factories.user("responder")
    login(client, outsider)
    for path in (page, f"{page}/edit", f"{page}/diff", f"{page}/revisions/1"):
        assert client.get(path).status_code == 404, path


def test_admin_templates(client, admin, responder):
    login(client, admin)
    html = client.get("/admin/postmortem-templates").get_data(as_text=True)
    assert "Google SRE" in html
    created = client.post("/admin/postmortem-templates/new", data={
        "name": "Short", "description": "Two sections",
        "sections-0-key": "what", "sections-0-title": "What happened",
        "sections-0-guidance": "Plainly.", "sections-0-body": "{{ timeline }}",
        "sections-1-key": "", "sections-1-title": ""})
    assert created.status_code == 302, created.get_data(as_text=True)
    template = db.session.scalar(db.select(PostmortemTemplate).where(
        PostmortemTemplate.name == "Short"))
    assert [(s.key, s.guidance) for s in template.sections] == [("what", "Plainly.")]
    bad = client.post(f"/admin/postmortem-templates/{template.id}/edit", data={
        "name": "Short", "version": str(template.version),
        "sections-0-key": "what", "sections-0-title": "What",
        "sections-0-body": "{{ nope }}"})
    assert bad.status_code == 422
    assert "unknown marker {{ nope }}" in bad.get_data(as_text=True)
    deleted = client.post(f"/admin/postmortem-templates/{template.id}/delete")
    assert deleted.status_code == 302
    default = templates.default_template()
    db.session.commit()
    client.post(f"/admin/postmortem-templates/{default.id}/delete")
    assert db.session.get(PostmortemTemplate, default.id) is not None
    client.post("/logout")
    login(client, responder)
    assert client.get("/admin/postmortem-templates").status_code == 403


def test_preview_refuses_what_save_refuses(client, responder, outage, page):
    login(client, responder)
    client.get(page)
    pm = stored(outage)
    response = client.post(f"{page}/edit", data=body_fields(
        pm, summary="> " * 500 + "x") | {"preview": "1"})
    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)
