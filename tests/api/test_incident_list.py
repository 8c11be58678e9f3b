"""GET /api/v1/incidents: cursor paging, counts, full-text search, privacy."""

from urllib.parse import parse_qs, urlsplit

import pytest

from postmortem.domain import incident_list
from tests import factories
from tests.api.helpers import assert_error
from tests.factories import at


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_cursor_paging_visits_every_incident_once_while_incidents_are_declared(
        admin_api, responder):
    for n in range(7):
        factories.incident(responder, title=f"Old {n}", started_at=at(n),
                           detected_at=at(n))
    # Two share a start time: the id breaks the tie, so neither is skipped.
    factories.incident(responder, title="Old twin", started_at=at(3),
                       detected_at=at(3))
    seen, link, declared = [], "/api/v1/incidents?per_page=3", 0
    while link:
        body = admin_api.get(path_of(link)).get_json()
        seen += [item["title"] for item in body["items"]]
        # Someone declares an incident (newer than all) between two pages.
        moment = at(100 + declared)
        factories.incident(responder, title=f"New {declared}", started_at=moment,
                           detected_at=moment)
        declared += 1
        link = body["next"]
    old = [t for t in seen if t.startswith("Old")]
    assert sorted(old) == sorted([f"Old {n}" for n in range(7)] + ["Old twin"])
    assert len(seen) == len(set(seen)) == 8


def test_next_and_prev_links_and_counts(admin_api, responder):
    for n in range(5):
        factories.incident(responder, title=f"Incident {n}", started_at=at(n),
                           detected_at=at(n), tags=["paged"])
    first = admin_api.get("/api/v1/incidents?per_page=2&tag=paged").get_json()
    assert [i["title"] for i in first["items"]] == ["Incident 4", "Incident 3"]
    assert (first["total"], first["pages"], first["page"], first["prev"]) == (
        5, 3, 1, None)
    query = parse_qs(urlsplit(first["next"]).query)
    assert query["tag"] == ["paged"] and query["per_page"] == ["2"]
    second = admin_api.get(path_of(first["next"])).get_json()
    assert [i["title"] for i in second["items"]] == ["Incident 2", "Incident 1"]
    back = admin_api.get(path_of(second["prev"])).get_json()
    assert [i["title"] for i in back["items"]] == ["Incident 4", "Incident 3"]
    assert back["prev"] is None
    last = admin_api.get(path_of(second["next"])).get_json()
    assert [i["title"] for i in last["items"]] == ["Incident 0"]
    assert last["next"] is None


def test_counting_stops_at_the_cap(admin_api, responder, monkeypatch):
    monkeypatch.setattr(incident_list, "COUNT_CAP", 3)
    for n in range(5):
        factories.incident(responder, title=f"Incident {n}", started_at=at(n),
                           detected_at=at(n))
    body = admin_api.get("/api/v1/incidents?per_page=2").get_json()
    assert body["total"] is None and body["total_more_than"] == 3
    assert body["pages"] is None and body["next"]


def test_full_text_search_and_privacy(viewer_api, admin_api, responder):
    factories.incident(responder, title="Secret payroll outage", is_public=False,
                       summary="The quokka service fell over.")
    factories.incident(responder, title="Public quokka outage")
    hidden = viewer_api.get("/api/v1/incidents?q=quokka").get_json()
    assert [i["title"] for i in hidden["items"]] == ["Public quokka outage"]
    assert hidden["total"] == 1
    assert viewer_api.get("/api/v1/incidents").get_json()["total"] == 1
    assert viewer_api.get("/api/v1/incidents?public=false").get_json()["items"] == []
    both = admin_api.get("/api/v1/incidents?q=quokka").get_json()
    assert len(both["items"]) == 2
    phrase = admin_api.get('/api/v1/incidents?q="quokka outage"').get_json()
    assert [i["title"] for i in phrase["items"]] == ["Public quokka outage"]


def test_search_pages_by_cursor(admin_api, responder):
    for n in range(3):
        factories.incident(responder, title=f"Wombat {n}", started_at=at(n),
                           detected_at=at(n))
    first = admin_api.get("/api/v1/incidents?q=wombat&per_page=2").get_json()
    second = admin_api.get(path_of(first["next"])).get_json()
    titles = [i["title"] for i in first["items"] + second["items"]]
    assert sorted(titles) == ["Wombat 0", "Wombat 1", "Wombat 2"]
    assert second["next"] is None and second["prev"]


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=nonsense", "cursor"),
    ("cursor=eyJhIjoxfQ", "cursor"),
    ("page=101", "page"),
    ("q=-only", "q"),
    ("public=maybe", "public"),
    ("q=x&cursor=" + incident_list.encode_cursor(
        {"t": "2026-11-16T09:00:00+00:00", "i": 1, "a": "after"}), "cursor"),
    ("cursor=" + incident_list.encode_cursor({"o": 5}), "cursor"),
])
def test_bad_paging_and_search_input_is_a_4xx(viewer_api, query, field):
    assert_error(viewer_api.get("/api/v1/incidents?" + query), 422, field)
