"""The v1 API's status updates expose the component changes they carry, the
same history the status page's uptime bars are built from."""


def test_updates_expose_component_changes(responder_api, incident):
    response = responder_api.post(f"/api/v1/incidents/{incident.id}/updates", json={
        "status": "identified", "message": "Found it",
        "component_statuses": {"api": "major_outage"}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["component_changes"] == [
        {"slug": "api", "old_status": "partial_outage", "new_status": "major_outage"}]
    listed = responder_api.get(f"/api/v1/incidents/{incident.id}/updates").get_json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert items[0]["component_changes"] == body["component_changes"]
