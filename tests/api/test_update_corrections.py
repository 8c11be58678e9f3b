"""PATCH and DELETE on /api/v1/incidents/<id>/updates/<id>, with `version`;
deleting impact samples one by one or by metric and time range."""

from postmortem.models import ImpactSample, Incident, StatusUpdate
from tests.api.helpers import count, fresh
from tests.factories import at


def post(api, incident, status, minute):
    response = api.post(f"/api/v1/incidents/{incident.id}/updates", json={
        "status": status, "message": status, "posted_at": at(minute).isoformat()})
    assert response.status_code == 201
    return response.get_json()


def test_patch_corrects_an_update_and_moves_its_milestone(responder_api, incident):
    first = post(responder_api, incident, "investigating", 14)
    url = f"/api/v1/incidents/{incident.id}/updates/{first['id']}"
    response = responder_api.patch(url, json={
        "version": first["version"], "posted_at": at(8).isoformat(),
        "message": "We are aware"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["message"] == "We are aware" and body["edited_at"]
    assert body["version"] == first["version"] + 1
    assert fresh(Incident, incident.id).acknowledged_at == at(8)
    stale = responder_api.patch(url, json={"version": first["version"],
                                           "message": "again"})
    assert stale.status_code == 409
    assert responder_api.get(url).get_json()["message"] == "We are aware"


def test_patch_needs_a_version_and_the_responder_role(responder_api, viewer_api,
                                                      incident):
    first = post(responder_api, incident, "investigating", 14)
    url = f"/api/v1/incidents/{incident.id}/updates/{first['id']}"
    assert responder_api.patch(url, json={"message": "x"}).status_code == 422
    assert viewer_api.patch(url, json={"message": "x", "version": 1}) \
        .status_code == 403
    assert responder_api.patch(f"/api/v1/incidents/{incident.id}/updates/999",
                               json={"version": 1}).status_code == 404


def test_delete_removes_the_update_and_reopens(responder_api, incident):
    post(responder_api, incident, "monitoring", 30)
    resolved = post(responder_api, incident, "resolved", 60)
    url = f"/api/v1/incidents/{incident.id}/updates/{resolved['id']}"
    assert responder_api.delete(url).status_code == 422  # no version
    assert responder_api.delete(url + "?version=7").status_code == 409
    assert responder_api.delete(f"{url}?version={resolved['version']}") \
        .status_code == 204
    stored = fresh(Incident, incident.id)
    assert (stored.status, stored.resolved_at) == ("monitoring", None)
    assert count(StatusUpdate) == 1


def test_samples_are_deleted_one_by_one_or_by_range(responder_api, incident):
    base = f"/api/v1/incidents/{incident.id}/impact-samples"
    stored = responder_api.post(base, json=[
        {"at": at(m).isoformat(), "metric": "user_reports", "value": m}
        for m in (5, 10, 15, 20)] + [
        {"at": at(10).isoformat(), "metric": "error_rate", "value": 40}]).get_json()
    one = stored["items"][0]["id"]
    assert responder_api.delete(f"{base}/{one}").status_code == 204
    assert responder_api.delete(f"{base}/{one}").status_code == 404
    response = responder_api.delete(
        f"{base}?metric=user_reports&from={at(10).isoformat()}"
        f"&to={at(15).isoformat()}".replace("+", "%2B"))
    assert response.get_json() == {"deleted": 2}
    assert count(ImpactSample) == 2
    assert responder_api.delete(base).status_code == 422  # which metric?


def test_percentages_and_counts_are_checked(responder_api, incident):
    base = f"/api/v1/incidents/{incident.id}/impact-samples"
    for metric, value in (("error_rate", 101), ("percent_users_restored", -1),
                          ("user_reports", -3)):
        response = responder_api.post(base, json={
            "at": at(5).isoformat(), "metric": metric, "value": value})
        assert response.status_code == 422, metric
        assert "value" in response.get_json()["error"]["fields"]
    assert responder_api.post(base, json={
        "at": at(5).isoformat(), "metric": "error_rate", "value": 100}) \
        .status_code == 201
