"""The incidents list page: search results, cursor links, bad input."""

import re

import pytest

from postmortem.domain import incident_list
from tests import factories
from tests.factories import at


def rows(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell">\s*<a href="/incidents/\d+">([^<]+)</a>',
                      html)


def test_search_shows_ranked_rows_with_highlighted_snippets(as_viewer, responder):
    factories.incident(responder, title="Checkout down",
                       summary="The <em>payment</em> gateway timed out.")
    factories.incident(responder, title="Search slow", started_at=at(30),
                       detected_at=at(31))
    html = as_viewer.get("/incidents?q=payment").get_data(as_text=True)
    assert rows(html) == ["Checkout down"]
    assert "1 matching incident, best match first" in html
    assert re.search(r'<p class="snippet">.*<mark>payment</mark>', html)
    # Typed markup shows as text (SQLite) or is dropped (PostgreSQL's
    # ts_headline strips tags), never as markup.
    assert "<em>payment" not in html and "<em>" not in html.split("snippet")[1]


def test_private_words_stay_out_of_the_page(as_viewer, responder):
    factories.incident(responder, title="Layoffs leak", is_public=False,
                       summary="Narwhal spreadsheet shared.")
    html = as_viewer.get("/incidents?q=narwhal").get_data(as_text=True)
    assert rows(html) == [] and "Narwhal" not in html and "Layoffs" not in html
    assert "No incident matches these filters." in html


def test_pagination_links_only_when_there_is_another_page(app, as_viewer, responder,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    factories.incident(responder, title="Only one")
    html = as_viewer.get("/incidents").get_data(as_text=True)
    assert 'class="pagination"' not in html
    factories.incident(responder, title="Second", started_at=at(1), detected_at=at(1))
    factories.incident(responder, title="Third", started_at=at(2), detected_at=at(2))
    html = as_viewer.get("/incidents").get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "3 incidents, newest first" in html


def test_more_than_the_cap_is_said_so(as_viewer, responder, monkeypatch):
    monkeypatch.setattr(incident_list, "COUNT_CAP", 1)
    for n in range(2):
        factories.incident(responder, started_at=at(n), detected_at=at(n))
    html = as_viewer.get("/incidents").get_data(as_text=True)
    assert "More than 1 incidents" in html


def test_search_help_documents_the_syntax(as_viewer):
    html = as_viewer.get("/incidents").get_data(as_text=True)
    assert "How search works" in html and "-dns" in html and "connection pool" in html


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=garbage", "cursor"), ("page=101", "page"), ("q=-alone", "q"),
])
def test_bad_input_is_a_form_error(as_viewer, query, field):
    response = as_viewer.get(f"/incidents?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Fix the filters above" in html
    assert f'id="{field}-error"' in html or "flash-error" in html
