"""Through the API too, a private incident exists only for admins, its
commander and its members; its members are managed under
/api/v1/incidents/<id>/members."""

import pytest
import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import AuditEntry, IncidentMember, TimelineEvent
from tests import factories, privacy_world
from tests.api.helpers import Api, assert_error
from tests.privacy_world import INSIDERS, MISSING, OUTSIDERS


@pytest.fixture
def world(admin):
    return privacy_world.build(admin)


def _api(client, world, who) -> Api:
    return Api(client, factories.token(world.people[who]))


def _routes(i, e, a, u):
    p = "/api/v1"
    return [
        ("GET", f"{p}/incidents/{i}", None),
        ("GET", f"{p}/incidents/{i}/updates", None),
        ("GET", f"{p}/incidents/{i}/events", None),
        ("GET", f"{p}/incidents/{i}/events/{e}", None),
        ("GET", f"{p}/incidents/{i}/impact-samples", None),
        ("GET", f"{p}/incidents/{i}/actions", None),
        ("GET", f"{p}/incidents/{i}/members", None),
        ("GET", f"{p}/actions/{a}", None),
        ("PATCH", f"{p}/incidents/{i}", {"title": "Hijacked", "version": 1}),
        ("POST", f"{p}/incidents/{i}/updates", {"status": "resolved",
                                               "message": "Hijacked"}),
        ("POST", f"{p}/incidents/{i}/events", {"text": "Hijacked"}),
        ("PATCH", f"{p}/incidents/{i}/events/{e}", {"text": "Hijacked"}),
        ("DELETE", f"{p}/incidents/{i}/events/{e}", None),
        ("POST", f"{p}/incidents/{i}/impact-samples",
         {"at": "2026-11-16T09:30:00Z", "metric": "x", "value": 1}),
        ("POST", f"{p}/incidents/{i}/actions", {"title": "Hijacked"}),
        ("PATCH", f"{p}/actions/{a}", {"title": "Hijacked"}),
        ("POST", f"{p}/incidents/{i}/members", {"email": "x@example.com"}),
        ("DELETE", f"{p}/incidents/{i}/members/{u}", None),
    ]


def _snapshot():
    db.session.expire_all()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (TimelineEvent, IncidentMember, AuditEntry)]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_the_answer_for_a_missing_incident(client, world, who):
    api = _api(client, world, who)
    member = world.people["member_viewer"].id
    hidden = _routes(world.incident.id, world.event.id, world.item.id, member)
    missing = _routes(MISSING, MISSING, MISSING, member)
    before = _snapshot()
    for (method, path, body), (_, nowhere, _) in zip(hidden, missing, strict=True):
        response = api.request(method, path, json=body)
        expected = api.request(method, nowhere, json=body)
        assert response.status_code == expected.status_code, (method, path)
        assert response.get_json() == expected.get_json(), (method, path)
        assert response.status_code in (403, 404), (method, path)
    assert _snapshot() == before


LISTS = ["/api/v1/incidents", "/api/v1/incidents?q=Secret",
         "/api/v1/incidents?tag=secret-tag", "/api/v1/actions",
         "/api/v1/actions?owner=Hidden%20Owner"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_lists_do_not_mention_it(client, world, who):
    api = _api(client, world, who)
    for path in LISTS:
        response = api.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "Secret" not in body and "Hidden Owner" not in body, path
    # The public one, counted alone.
    assert api.get("/api/v1/incidents").get_json()["total"] == 1
    # Nor does the status it gives the component it affects.
    assert api.get("/api/v1/components/api").get_json()["status"] == "operational"


@pytest.mark.parametrize("who", INSIDERS)
def test_insiders_read_everything(client, world, who):
    api = _api(client, world, who)
    for method, path, _body in _routes(world.incident.id, world.event.id,
                                       world.item.id, 0):
        if method == "GET":
            assert api.get(path).status_code == 200, path
    listed = api.get("/api/v1/incidents?q=Secret").get_json()["items"]
    assert [i["title"] for i in listed] == ["Secret breach"]
    items = api.get("/api/v1/actions").get_json()["items"]
    assert "Secret follow-up" in [i["title"] for i in items]
    assert api.get("/api/v1/components/api").get_json()["status"] != "operational"


def test_members_list_add_and_remove(client, world):
    api = _api(client, world, "commander")
    outsider = world.people["outsider_responder"]
    path = f"/api/v1/incidents/{world.incident.id}/members"
    listed = api.get(path).get_json()["items"]
    assert {m["email"] for m in listed} == {world.people["member_responder"].email,
                                           world.people["member_viewer"].email}
    assert set(listed[0]) == {"user_id", "email", "name", "role", "added_at"}

    added = api.post(path, json={"email": outsider.email.upper()})
    assert added.status_code == 201
    assert added.get_json()["user_id"] == outsider.id
    theirs = _api(client, world, "outsider_responder")
    assert theirs.get(f"/api/v1/incidents/{world.incident.id}").status_code == 200

    assert api.delete(f"{path}/{outsider.id}").status_code == 204
    assert theirs.get(f"/api/v1/incidents/{world.incident.id}").status_code == 404


def test_add_by_user_id(client, world):
    api = _api(client, world, "admin")
    outsider = world.people["outsider_viewer"]
    response = api.post(f"/api/v1/incidents/{world.incident.id}/members",
                        json={"user_id": outsider.id})
    assert response.status_code == 201


@pytest.mark.parametrize("body, field, status", [
    ({"email": "nobody@example.com"}, "email", 422),
    ({"user_id": 999_999}, "user_id", 422),
    ({}, "email", 422),
    ({"email": "x@example.com", "owner": True}, "owner", 422),
    ([], "body", 400),  # not an object: a malformed body
])
def test_bad_member_input_is_refused(client, world, body, field, status):
    api = _api(client, world, "admin")
    before = _snapshot()
    response = api.post(f"/api/v1/incidents/{world.incident.id}/members", json=body)
    assert_error(response, status, field)
    assert _snapshot() == before


def test_adding_a_member_twice_is_422(client, world):
    api = _api(client, world, "admin")
    response = api.post(f"/api/v1/incidents/{world.incident.id}/members",
                        json={"email": world.people["member_viewer"].email})
    assert_error(response, 422, "email")


def test_removing_a_non_member_is_404(client, world):
    api = _api(client, world, "admin")
    response = api.delete(f"/api/v1/incidents/{world.incident.id}/members/"
                          f"{world.people['outsider_viewer'].id}")
    assert_error(response, 404)


def test_viewers_cannot_change_members(client, world):
    api = _api(client, world, "member_viewer")
    response = api.post(f"/api/v1/incidents/{world.incident.id}/members",
                        json={"email": world.people["outsider_viewer"].email})
    assert_error(response, 403)
