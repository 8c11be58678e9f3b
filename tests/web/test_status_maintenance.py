"""Admin pages to schedule and move maintenance windows."""

from datetime import timedelta

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import Maintenance
from postmortem.models.types import utcnow
from tests import factories


def form_time(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def schedule(client, **overrides):
    now = utcnow()
    data = {"title": "Database upgrade", "components": ["api"],
            "scheduled_for": form_time(now + timedelta(hours=1)),
            "scheduled_until": form_time(now + timedelta(hours=3)),
            "message": "Writes pause briefly."} | overrides
    return client.post("/maintenance/new", data=data)


def test_admin_schedules_and_completes_a_window(as_admin):
    factories.component("API", slug="api")
    assert as_admin.get("/maintenance/new").status_code == 200
    response = schedule(as_admin)
    assert response.status_code == 302
    window = db.session.scalars(sa.select(Maintenance)).one()
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Writes pause briefly." in page
    assert "Database upgrade" in as_admin.get("/status").get_data(as_text=True)
    response = as_admin.post(f"/maintenance/{window.id}",
                             data={"status": "in_progress", "message": ""})
    assert response.status_code == 302
    data = as_admin.get("/api/v2/scheduled-maintenances/active.json").get_json()
    assert [m["name"] for m in data["scheduled_maintenances"]] == ["Database upgrade"]
    components = as_admin.get("/api/v2/components.json").get_json()["components"]
    assert components[0]["status"] == "under_maintenance"
    as_admin.post(f"/maintenance/{window.id}", data={"status": "completed"})
    assert as_admin.get("/api/v2/components.json").get_json()[
        "components"][0]["status"] == "operational"


def test_bad_input_is_a_form_error_with_text_kept(as_admin):
    factories.component("API", slug="api")
    response = schedule(as_admin, components=[], title="Keep me")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "pick at least one component" in html and "Keep me" in html
    response = schedule(as_admin, scheduled_until="2001-01-01T00:00")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Maintenance.id))) == 0


def test_edit_and_stale_edit(as_admin):
    factories.component("API", slug="api")
    schedule(as_admin)
    window = db.session.scalars(sa.select(Maintenance)).one()
    url = f"/maintenance/{window.id}/edit"
    assert as_admin.get(url).status_code == 200
    now = utcnow()
    data = {"title": "Longer upgrade", "components": ["api"], "version": "1",
            "scheduled_for": form_time(now + timedelta(hours=1)),
            "scheduled_until": form_time(now + timedelta(hours=5))}
    assert as_admin.post(url, data=data).status_code == 302
    stale = as_admin.post(url, data=data | {"title": "Lost?"})
    assert stale.status_code == 409
    assert "Lost?" in stale.get_data(as_text=True)


def test_only_admins_write(as_responder):
    factories.component("API", slug="api")
    assert as_responder.get("/maintenance").status_code == 200
    assert schedule(as_responder).status_code == 403
    assert as_responder.get("/maintenance/999").status_code == 404


def test_signed_out_users_go_to_login(client):
    factories.user("admin")
    response = client.get("/maintenance")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_times_are_24_hour_utc_text_like_the_incident_forms(as_admin):
    # datetime-local shows the browser's AM/PM picker; the app writes UTC
    # as YYYY-MM-DD HH:MM everywhere.
    factories.component("API", slug="api")
    page = as_admin.get("/maintenance/new").get_data(as_text=True)
    assert 'type="datetime-local"' not in page
    assert 'placeholder="YYYY-MM-DD HH:MM"' in page
    later = utcnow() + timedelta(days=2)
    response = schedule(as_admin, scheduled_for=later.strftime("%Y-%m-%d 14:30"),
                        scheduled_until=later.strftime("%Y-%m-%d 16:00"))
    assert response.status_code == 302
    window = db.session.scalars(sa.select(Maintenance)).one()
    assert (window.scheduled_for.hour, window.scheduled_for.minute) == (14, 30)
    edit = as_admin.get(f"/maintenance/{window.id}/edit").get_data(as_text=True)
    assert f'value="{later:%Y-%m-%d} 14:30"' in edit
