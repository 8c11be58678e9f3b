"""Idempotency-Key on every POST, and concurrent responders posting updates."""

import threading

import pytest
from flask.testing import FlaskClient

from postmortem.models import IdempotencyKey, Incident, StatusUpdate, TimelineEvent
from tests import factories
from tests.api.helpers import Api, count, fresh
from tests.factories import at


def post_update(api, incident, key, **body):
    return api.post(f"/api/v1/incidents/{incident.id}/updates",
                    headers={"Idempotency-Key": key},
                    json={"status": "identified", "message": "Fix found",
                          "posted_at": "2026-11-16T09:30:00Z"} | body)


def test_a_repeat_gets_the_first_answer_and_writes_nothing(responder_api, incident):
    first = post_update(responder_api, incident, "retry-1")
    again = post_update(responder_api, incident, "retry-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert count(StatusUpdate) == 1


def test_the_same_key_with_another_body_is_refused(responder_api, incident):
    assert post_update(responder_api, incident, "k").status_code == 201
    other = post_update(responder_api, incident, "k", message="Something else")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    assert count(StatusUpdate) == 1


def test_keys_belong_to_their_user(client, responder_api, incident):
    other = Api(client, factories.token(factories.user("responder")))
    assert post_update(responder_api, incident, "shared").status_code == 201
    assert post_update(other, incident, "shared").status_code == 201
    assert count(StatusUpdate) == 2


def test_a_refused_request_does_not_use_up_its_key(responder_api, incident):
    bad = post_update(responder_api, incident, "fix-me", status="nope")
    assert bad.status_code == 422
    assert count(IdempotencyKey) == 0
    assert post_update(responder_api, incident, "fix-me", status="nope") \
        .status_code == 422
    good = responder_api.post(f"/api/v1/incidents/{incident.id}/events",
                              headers={"Idempotency-Key": "fix-me"},
                              json={"text": "Paged the DBA"})
    assert good.status_code == 201
    assert count(TimelineEvent) == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_refused(responder_api, incident, key):
    response = post_update(responder_api, incident, key)
    assert response.status_code == 422
    assert count(StatusUpdate) == 0


def test_every_post_honours_the_key(responder_api, admin_api, incident):
    posts = [
        (responder_api, "/api/v1/incidents", {"title": "Again"}),
        (responder_api, f"/api/v1/incidents/{incident.id}/events", {"text": "t"}),
        (responder_api, f"/api/v1/incidents/{incident.id}/impact-samples",
         {"at": "2026-11-16T09:10:00Z", "metric": "user_reports", "value": 5}),
        (responder_api, f"/api/v1/incidents/{incident.id}/actions", {"title": "Fix"}),
        (admin_api, "/api/v1/components", {"name": "Billing"}),
    ]
    for api, path, body in posts:
        first = api.post(path, json=body, headers={"Idempotency-Key": path})
        again = api.post(path, json=body, headers={"Idempotency-Key": path})
        assert first.status_code == 201, (path, first.get_json())
        assert again.get_json() == first.get_json(), path
    assert count(Incident) == 2
    assert count(TimelineEvent) == 1


def test_concurrent_responders_never_conflict(app, responder, incident):
    """Updates posted at once by several responders all land, and the incident
    is derived from all of them whatever order they committed in."""
    tokens = [factories.token(responder) for _ in range(4)]
    url = f"/api/v1/incidents/{incident.id}/updates"
    results: list[int] = []
    lock = threading.Lock()

    def poster(token: str, minutes: list[int]) -> None:
        client = FlaskClient(app)  # a plain one: the suite's expects the test's context
        for minute in minutes:
            status = "monitoring" if minute == 60 else "identified"
            response = client.post(
                url,
                headers={"Authorization": f"Bearer {token}"},
                json={"status": status, "message": f"at {minute}",
                      "posted_at": at(minute).isoformat()})
            with lock:
                results.append(response.status_code)

    minutes = [[10 + i + 4 * n for n in range(5)] for i in range(4)]
    minutes[0][-1] = 60
    threads = [threading.Thread(target=poster, args=(token, chunk))
               for token, chunk in zip(tokens, minutes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [201] * 20
    stored = fresh(Incident, incident.id)
    assert count(StatusUpdate) == 20
    assert (stored.status, stored.acknowledged_at, stored.mitigated_at) == (
        "monitoring", at(10), at(60))


def test_a_failed_commit_leaves_nothing_and_the_retry_writes_once(
        responder_api, incident, monkeypatch):
    """The answer is built and stored before the commit, so the commit is the
    last thing that can fail: then nothing was saved, and a retry with the
    same key does the work once."""
    from flask_sqlalchemy.session import Session
    from sqlalchemy.exc import OperationalError

    real_commit = Session.commit
    failures = []

    def flaky_commit(self):
        if not failures:
            failures.append(1)
            raise OperationalError("COMMIT", {}, Exception("connection lost"))
        return real_commit(self)

    monkeypatch.setattr(Session, "commit", flaky_commit)
    lost = post_update(responder_api, incident, "retry-after-500")
    assert lost.status_code >= 500
    assert count(StatusUpdate) == 0 and count(IdempotencyKey) == 0
    retried = post_update(responder_api, incident, "retry-after-500")
    again = post_update(responder_api, incident, "retry-after-500")
    assert retried.status_code == again.status_code == 201
    assert count(StatusUpdate) == 1
