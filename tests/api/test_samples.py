"""/api/v1/incidents/<id>/impact-samples: the spike and the recovery."""

import pytest
import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import ImpactSample
from tests.api.helpers import assert_error, audit_count, count
from tests.factories import at


def stored_series(incident_id):
    db.session.expire_all()
    rows = db.session.scalars(sa.select(ImpactSample).where(
        ImpactSample.incident_id == incident_id).order_by(ImpactSample.at))
    return [(s.metric, s.at, s.value) for s in rows]


def test_post_one_sample(responder_api, incident):
    response = responder_api.post(
        f"/api/v1/incidents/{incident.id}/impact-samples",
        json={"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 4200})
    assert response.status_code == 201, response.get_json()
    [sample] = response.get_json()["items"]
    assert (sample["at"], sample["metric"], sample["value"]) == (
        "2026-11-16T09:15:00+00:00", "user_reports", 4200)
    assert stored_series(incident.id) == [("user_reports", at(15), 4200.0)]


def test_post_a_list_and_correct_a_point(responder_api, viewer_api, incident):
    path = f"/api/v1/incidents/{incident.id}/impact-samples"
    spike = [{"at": at(minute).isoformat(), "metric": "user_reports", "value": value}
             for minute, value in ((0, 120), (15, 4200), (60, 900))]
    response = responder_api.post(path, json=spike)
    assert response.status_code == 201
    assert [s["value"] for s in response.get_json()["items"]] == [120, 4200, 900]

    again = responder_api.post(path, json=[
        {"at": "2026-11-16T10:15:00+01:00", "metric": "user_reports", "value": 4300},
        {"at": at(60).isoformat(), "metric": "percent_restored", "value": 55.5}])
    assert again.status_code == 201
    assert sorted(stored_series(incident.id)) == [
        ("percent_restored", at(60), 55.5), ("user_reports", at(0), 120.0),
        ("user_reports", at(15), 4300.0), ("user_reports", at(60), 900.0)]
    listed = viewer_api.get(path).get_json()["items"]
    assert [(s["metric"], s["value"]) for s in listed] == [
        ("percent_restored", 55.5), ("user_reports", 120), ("user_reports", 4300),
        ("user_reports", 900)]


@pytest.mark.parametrize("data, field", [
    ({"metric": "user_reports", "value": 1}, "at"),
    ({"at": "2026-11-16T09:15:00", "metric": "user_reports", "value": 1}, "at"),
    ({"at": "2099-11-16T09:15:00Z", "metric": "user_reports", "value": 1}, "at"),
    ({"at": "2026-11-16T09:15:00Z", "metric": "User Reports", "value": 1}, "metric"),
    ({"at": "2026-11-16T09:15:00Z", "metric": "x" * 33, "value": 1}, "metric"),
    ({"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": "lots"},
     "value"),
    ({"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1e16},
     "value"),
    ({"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1,
      "unit": "n"}, "unit"),
    ([{"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1},
      {"at": "2026-11-16T09:30:00Z", "metric": "user_reports"}], "[1].value"),
    ([{"at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1},
      {"at": "2026-11-16T09:30:00Z", "metric": "m", "value": 1, "x": 1}], "[1].x"),
    ([], "body"),
    ([1], "[0].body"),
])
def test_bad_samples_are_422_and_none_stored(responder_api, incident, data, field):
    audits = audit_count()
    response = responder_api.post(
        f"/api/v1/incidents/{incident.id}/impact-samples", json=data)
    assert_error(response, 422, field)
    assert count(ImpactSample) == 0
    assert audit_count() == audits


def test_unknown_incident_is_404(responder_api):
    path = "/api/v1/incidents/77/impact-samples"
    assert_error(responder_api.get(path), 404)
    assert_error(responder_api.post(path, json={
        "at": "2026-11-16T09:15:00Z", "metric": "user_reports", "value": 1}), 404)
    assert count(ImpactSample) == 0
