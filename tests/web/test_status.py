"""The public status page: no login, nothing private, cached per change."""

import json
import re
from xml.etree import ElementTree as ET  # noqa: S405 (our own output)

import pytest

from postmortem.domain.status import statuspage
from postmortem.models.types import utcnow
from tests.domain.status import world as status_world
from tests.domain.status.world import SECRET_EVENT, SECRET_TITLE, SECRET_UPDATE

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(admin):
    return status_world.build(admin)


def test_status_needs_no_login_and_never_sends_to_setup(client):
    # No user at all: the app's pages go to /setup, the status page does not.
    response = client.get("/status")
    assert response.status_code == 200
    assert "All Systems Operational" in response.get_data(as_text=True)


def test_page_shows_components_incidents_uptime_and_maintenance(client, world):
    html = client.get("/status").get_data(as_text=True)
    assert "Major System Outage" in html
    assert "API errors for some users" in html
    assert html.index("Cause found") < html.index("We are aware of")  # newest first
    assert "<strong>errors</strong>" in html  # Markdown, rendered and sanitised
    assert "Database upgrade" in html and "Scheduled maintenance" in html
    assert html.count('class="bar"') == 3
    assert "% uptime" in html
    assert "Website slow" in html  # past incidents
    assert "No incidents reported." in html
    assert "<script" not in html


def test_incident_page_and_404s(client, world):
    response = client.get(f"/status/incidents/{world.active.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cause found" in html
    for path in (f"/status/incidents/{world.private.id}", "/status/incidents/999999",
                 "/status/incidents/abc", "/status/incidents/99999999999999999",
                 "/status/maintenance/999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert SECRET_TITLE not in response.get_data(as_text=True)
    assert client.get(f"/status/maintenance/{world.window.id}").status_code == 200


def test_conditional_requests_get_304(client, world):
    first = client.get("/status")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    assert first.headers["Last-Modified"]
    again = client.get("/status", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get("/status", headers={
        "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("header", [
    '"', "W/", "*garbage*", "\x00", "a" * 5000, '"unclosed, "x"', ", , ,",
])
def test_a_broken_if_none_match_is_a_miss(client, world, header):
    response = client.get("/status", headers={"If-None-Match": header})
    assert response.status_code == 200


def test_odd_query_strings_and_headers_are_ignored(client, world):
    for path in ("/status?x=%00&page=-1", "/api/v2/summary.json?callback=alert",
                 "/status/banner.json?%ff"):
        assert client.get(path, headers={"If-Modified-Since": "yesterday"}
                          ).status_code == 200


def test_a_public_change_changes_the_etag(client, world, admin):
    etag = client.get("/status").headers["ETag"]
    status_world.post(world.active, admin, "monitoring", "Fix deployed.", utcnow())
    response = client.get("/status", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Fix deployed." in response.get_data(as_text=True)


def test_forged_host_is_not_served_to_others(client, world):
    client.get("/api/v2/status.json", headers={"Host": "evil.example"})
    body = client.get("/api/v2/status.json").get_data(as_text=True)
    assert "evil.example" not in body


def test_feeds_are_valid_atom_and_rss(client, world):
    atom = client.get("/status/history.atom")
    assert atom.content_type.startswith("application/atom+xml")
    feed = ET.fromstring(atom.data)  # noqa: S314
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4  # 3 public updates + the maintenance's first
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("tag:")
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$",
                        entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/")
        assert entry.find(f"{ATOM}content").get("type") == "html"
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    rss = ET.fromstring(client.get("/status/history.rss").data)  # noqa: S314
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    for name in ("title", "link", "description"):
        assert channel.find(name).text
    items = channel.findall("item")
    assert len(items) == 4
    assert all(item.find("guid").text and item.find("pubDate").text for item in items)


def test_banner_says_what_to_show(client, world):
    data = client.get("/status/banner.json").get_json()
    assert data["active"] is True
    assert data["title"] == "Temporary service disruption"
    assert "API errors for some users" in data["message"]
    assert data["url"].endswith(f"/status/incidents/{world.active.id}")
    script = client.get("/status/banner.js")
    assert script.content_type.startswith("text/javascript")
    assert script.headers["Access-Control-Allow-Origin"] == "*"
    assert data["id"] in script.get_data(as_text=True)


def test_banner_is_quiet_when_all_is_well(client):
    data = client.get("/status/banner.json").get_json()
    assert data["active"] is False and data["message"] is None


def _public_paths(app, world) -> list[str]:
    """Every public route, expanded with every id (private ones included)."""
    paths, covered = [], set()
    ids = {"incident_id": [world.active.id, world.resolved.id, world.private.id],
           "maintenance_id": [world.window.id],
           "name": list(statuspage.DOCUMENTS)}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("status.", "api_v2.")):
            continue
        covered.add(rule.endpoint)
        if not rule.arguments:
            paths.append(rule.rule)
            continue
        (argument,) = rule.arguments
        paths += [re.sub(r"<[^>]*" + argument + ">", str(value), rule.rule)
                  for value in ids[argument]]
    assert covered >= {"status.index", "status.incident", "status.maintenance",
                       "status.history_atom", "status.history_rss",
                       "status.banner_json", "status.banner_js", "api_v2.document"}
    return paths


def test_nothing_private_on_any_public_route(app, client, world):
    paths = _public_paths(app, world)
    assert len(paths) > 15
    private_link = f"/status/incidents/{world.private.id}"
    for path in paths:
        response = client.get(path)
        body = response.get_data(as_text=True)
        expected = 404 if path == private_link else 200
        assert response.status_code == expected, path
        for secret in (SECRET_TITLE, SECRET_UPDATE, SECRET_EVENT):
            assert secret not in body, (path, secret)
        assert private_link not in body, path
        if path.startswith("/api/v2/"):
            listed = json.loads(body).get("incidents", [])
            assert str(world.private.id) not in {i["id"] for i in listed}, path


@pytest.fixture
def recheck(app):
    """A worker that asks the database at most once a minute."""
    app.config["STATUS_RECHECK_SECONDS"] = 60
    yield
    del app.config["STATUS_RECHECK_SECONDS"]


def test_a_worker_rechecks_the_database_after_its_window(app, client, world, admin,
                                                         recheck):
    from postmortem.domain.status import cache
    from postmortem.web.status import serve

    first = client.get("/status/banner.json")
    status_world.post(world.active, admin, "resolved", "Over.", utcnow())
    # Within the window this process serves what it last saw...
    assert client.get("/status/banner.json").headers["ETag"] == first.headers["ETag"]
    # ...even if its body is gone from memory and the database.
    cache.memo.items.clear()
    client.get("/status/history.rss")  # another key's render replaces nothing
    app.config["STATUS_RECHECK_SECONDS"] = 0
    later = client.get("/status/banner.json")
    assert later.headers["ETag"] != first.headers["ETag"]
    assert later.get_json()["active"] is False
    serve.recent.items.clear()


def test_a_vanished_render_is_rendered_again(app, client, world, admin, recheck):
    from postmortem.domain.status import cache
    from postmortem.extensions import db
    from postmortem.models import StatusRender
    from postmortem.web.status import serve

    client.get("/status/banner.json")
    db.session.execute(StatusRender.__table__.delete())
    db.session.commit()
    cache.memo.items.clear()
    response = client.get("/status/banner.json")
    assert response.status_code == 200 and response.get_json()["active"] is True
    serve.recent.items.clear()


def test_active_incident_without_updates_still_shows_its_status(client, admin):
    from tests import factories
    factories.incident(admin, title="Logins slow", is_public=True)
    html = client.get("/status").get_data(as_text=True)
    notice = html[html.index("Logins slow"):]
    notice = notice[:notice.index("</section>")]
    assert '<strong class="update-status">Investigating</strong>' in notice
    # Every status page has the app's favicon, like the signed-in pages.
    assert 'rel="icon"' in html
    assert 'rel="icon"' in client.get("/status/incidents/999999").get_data(as_text=True)
