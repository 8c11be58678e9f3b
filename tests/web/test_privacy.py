"""A private incident, with all that hangs off it, exists only for admins,
its commander and its members: to everyone else every page under it is the
same answer as for an incident that does not exist, and no list, search or
count mentions it."""

import re

import pytest
import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    AuditEntry,
    ImpactSample,
    Incident,
    IncidentMember,
    StatusUpdate,
    TimelineEvent,
)
from tests import privacy_world
from tests.conftest import login
from tests.privacy_world import INSIDERS, MISSING, OUTSIDERS


@pytest.fixture
def world(admin):
    return privacy_world.build(admin)


def _as(client, world, who):
    return login(client, world.people[who])


def _reads(i, e, a):
    return [f"/incidents/{i}", f"/incidents/{i}/timeline", f"/incidents/{i}/edit",
            f"/incidents/{i}/events/{e}/edit", f"/incidents/{i}/actions/new",
            f"/actions/{a}/edit"]


def _writes(i, e, a, u):
    return [
        (f"/incidents/{i}/edit", {"title": "Hijacked", "version": "1"}),
        (f"/incidents/{i}/updates", {"update-status": "resolved",
                                     "update-message": "Hijacked"}),
        (f"/incidents/{i}/events", {"event-text": "Hijacked"}),
        (f"/incidents/{i}/samples", {"sample-metric": "x", "sample-value": "1",
                                     "sample-at": "2026-11-16T09:30"}),
        (f"/incidents/{i}/samples/csv", {"csv-csv": "at,x\n2026-11-16T09:30Z,1"}),
        (f"/incidents/{i}/events/{e}/star", {"tl-key": "y"}),
        (f"/incidents/{i}/events/{e}/delete", {}),
        (f"/incidents/{i}/actions", {"action-title": "Hijacked"}),
        (f"/actions/{a}/edit", {"action-title": "Hijacked", "action-version": "1"}),
        (f"/actions/{a}/status", {"status": "done"}),
        (f"/incidents/{i}/members", {"member-email": "x@example.com"}),
        (f"/incidents/{i}/members/{u}/remove", {}),
    ]


def _stored() -> tuple:
    """Everything the private incident has, to prove nothing changed."""
    db.session.expire_all()
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                   for m in (StatusUpdate, TimelineEvent, ImpactSample, ActionItem,
                             IncidentMember, AuditEntry))
    titles = tuple(db.session.scalars(sa.select(Incident.title).order_by(Incident.id)))
    return counts, titles, tuple(db.session.scalars(sa.select(ActionItem.status)))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_the_answer_for_a_missing_incident(client, world, who):
    _as(client, world, who)
    hidden = (world.incident.id, world.event.id, world.item.id,
              world.people["member_viewer"].id)
    missing = (MISSING, MISSING, MISSING, world.people["member_viewer"].id)
    before = _stored()
    for path, nowhere in zip(_reads(*hidden[:3]), _reads(*missing[:3]), strict=True):
        response = client.get(path)
        assert response.status_code == client.get(nowhere).status_code, path
        assert response.status_code in (403, 404), path
        assert "Secret" not in response.get_data(as_text=True), path
    for (path, data), (nowhere, _) in zip(_writes(*hidden), _writes(*missing),
                                          strict=True):
        response = client.post(path, data=data)
        assert response.status_code == client.post(nowhere, data=data).status_code
        assert response.status_code in (403, 404), path
    assert _stored() == before


LISTS = ["/incidents", "/incidents?q=Secret", "/incidents?tag=secret-tag",
         "/incidents?component=api", "/actions", "/actions?owner=Hidden+Owner",
         "/components"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_lists_and_searches_do_not_mention_it(client, world, who):
    _as(client, world, who)
    for path in LISTS:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        # (The search box echoes what was typed: look for what is stored.)
        for stored in ("Secret breach", "Secret follow-up", "hush"):
            assert stored not in html, path
        if "owner" not in path:
            assert "Hidden Owner" not in html, path  # not among the owners
        assert f"/incidents/{world.incident.id}" not in html, path
    # The component it affects looks as it would without it.
    components = client.get("/components").get_data(as_text=True)
    assert "badge-component-operational" in components
    assert not re.search(r"badge-component-(?!operational)", components)


def test_outsiders_see_public_incidents_as_before(client, world):
    _as(client, world, "outsider_viewer")
    assert "Public outage" in client.get("/incidents").get_data(as_text=True)
    assert client.get(f"/incidents/{world.public.id}").status_code == 200


@pytest.mark.parametrize("who", INSIDERS)
def test_insiders_see_it_everywhere(client, world, who):
    _as(client, world, who)
    page = client.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert "Secret breach" in page and "Secret update" in page
    assert "Secret event" in page and "Secret follow-up" in page
    assert client.get(f"/incidents/{world.incident.id}/timeline").status_code == 200
    assert "Secret breach" in client.get("/incidents?q=Secret").get_data(as_text=True)
    assert "Secret follow-up" in client.get("/actions").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [
    ("admin", 302), ("commander", 302), ("member_responder", 302),
    ("member_viewer", 403)])
def test_insiders_write_as_their_role_allows(client, world, who, status):
    _as(client, world, who)
    response = client.post(f"/incidents/{world.incident.id}/events",
                           data={"event-text": f"Logged by {who}"})
    assert response.status_code == status


@pytest.mark.parametrize("who", ["outsider_responder", "member_responder"])
def test_the_audit_log_is_for_admins_only(client, world, who):
    _as(client, world, who)
    assert client.get("/admin/audit").status_code == 403


# Members --------------------------------------------------------------------

def test_a_member_adds_and_removes_someone_on_the_page(client, world):
    outsider = world.people["outsider_viewer"]
    path = f"/incidents/{world.incident.id}"
    _as(client, world, "member_responder")
    page = client.get(path).get_data(as_text=True)
    assert 'id="members"' in page and outsider.email in page  # offered
    response = client.post(f"{path}/members", data={"member-email": outsider.email})
    assert response.headers["Location"].endswith(f"{path}#members")
    client.post("/logout")
    login(client, outsider)
    assert client.get(path).status_code == 200
    client.post("/logout")
    _as(client, world, "member_responder")
    client.post(f"{path}/members/{outsider.id}/remove")
    client.post("/logout")
    login(client, outsider)
    assert client.get(path).status_code == 404
    logged = db.session.scalars(sa.select(AuditEntry.action)
                                .where(AuditEntry.action.like("incident.member%")))
    assert sorted(logged) == ["incident.member_add", "incident.member_add",
                              "incident.member_add", "incident.member_remove"]


def test_adding_an_unknown_or_present_person_says_why(client, world):
    path = f"/incidents/{world.incident.id}"
    _as(client, world, "commander")
    for email, message in [("nobody@example.com", "no user with this email"),
                           (world.people["member_viewer"].email, "already a member")]:
        response = client.post(f"{path}/members", data={"member-email": email},
                               follow_redirects=True)
        assert message in response.get_data(as_text=True)


def test_viewers_cannot_change_members(client, world):
    _as(client, world, "member_viewer")
    page = client.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert f'action="/incidents/{world.incident.id}/members"' not in page
    response = client.post(f"/incidents/{world.incident.id}/members",
                           data={"member-email": world.people["admin"].email})
    assert response.status_code == 403


def test_taking_yourself_off_goes_back_to_the_list(client, world):
    _as(client, world, "member_responder")
    me = world.people["member_responder"]
    response = client.post(f"/incidents/{world.incident.id}/members/{me.id}/remove")
    assert response.headers["Location"] == "/incidents"
    assert client.get(f"/incidents/{world.incident.id}").status_code == 404


def test_declaring_a_private_incident_keeps_it_visible_to_you(as_responder):
    response = as_responder.post("/incidents/new", data={
        "title": "Private from the start", "severity": "SEV3", "impact": "minor",
        "status": "investigating"})
    assert response.status_code == 302, response.get_data(as_text=True)
    incident = db.session.scalar(sa.select(Incident))
    assert incident.is_public is False
    assert as_responder.get(response.headers["Location"]).status_code == 200
