"""Full-text search: syntax, ranking, snippets, privacy, index upkeep and the
plans behind every list and search query, on SQLite and PostgreSQL."""

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa

from postmortem.domain import events, incident_list, updates
from postmortem.domain import query_plans as plans
from postmortem.domain.errors import ValidationError
from postmortem.domain.postmortem import documents
from postmortem.domain.search import engine, index
from postmortem.domain.search.query import fts5, parse
from postmortem.extensions import db
from postmortem.models import IncidentMember, SearchDocument
from tests import factories
from tests.factories import at


def search(q, viewer, **filters):
    page = incident_list.list_page(incident_list.clean_filters({"q": q, **filters}),
                                   viewer, 25)
    return page


def titles(q, viewer, **filters):
    return [i.title for i in search(q, viewer, **filters).items]


@pytest.fixture
def history(responder):
    factories.incident(responder, title="Database failover stalled",
                       summary="The primary database failed over to a replica.")
    factories.incident(responder, title="Connection pool exhausted",
                       summary="The API connection pool ran dry at peak.",
                       started_at=at(60), detected_at=at(61))
    factories.incident(responder, title="Pool party for the API team",
                       summary="Connection to the venue was lost.",
                       started_at=at(120), detected_at=at(121))


def test_words_phrases_and_exclusions(history, admin):
    assert titles("database", admin) == ["Database failover stalled"]
    assert titles("FAILING", admin) == ["Database failover stalled"]  # stemmed
    assert set(titles("connection pool", admin)) == {
        "Connection pool exhausted", "Pool party for the API team"}
    assert titles('"connection pool"', admin) == ["Connection pool exhausted"]
    assert titles("pool -party", admin) == ["Connection pool exhausted"]
    assert titles('api -"connection pool"', admin) == ["Pool party for the API team"]
    assert titles("nothing-like-this", admin) == []


def test_updates_and_events_are_searched_and_kept_current(responder, admin):
    incident = factories.incident(responder, title="Checkout errors")
    update = updates.post(incident, {"status": "identified", "posted_at": at(10),
                                     "message": "A kerberos ticket expired."},
                          responder)
    event = events.add(incident, {"kind": "note", "occurred_at": at(11),
                                  "text": "Rotated the zookeeper quorum."}, responder)
    db.session.commit()
    assert titles("kerberos", admin) == ["Checkout errors"]
    assert titles("zookeeper", admin) == ["Checkout errors"]

    events.edit(event, {"text": "Rotated the etcd quorum."}, responder)
    update.message = "Tickets renewed."
    db.session.commit()
    assert titles("zookeeper", admin) == [] and titles("kerberos", admin) == []
    assert titles("etcd", admin) == ["Checkout errors"]

    events.delete(event, responder)
    db.session.commit()
    assert titles("etcd", admin) == []


def test_incident_edits_reindex_title_and_summary(responder, admin):
    from postmortem.domain import incidents

    incident = factories.incident(responder, title="Slow search")
    incidents.update(incident, {"version": incident.version,
                                "summary": "Elasticsearch heap exhausted."}, responder)
    db.session.commit()
    assert titles("elasticsearch", admin) == ["Slow search"]
    assert titles("slow", admin) == ["Slow search"]


def test_ranking_by_relevance_then_recency(responder, admin):
    factories.incident(responder, title="Latency", summary="latency latency latency")
    factories.incident(responder, title="Errors one", summary="some latency",
                       started_at=at(30), detected_at=at(31))
    factories.incident(responder, title="Errors two", summary="some latency",
                       started_at=at(60), detected_at=at(61))
    assert titles("latency", admin) == ["Latency", "Errors two", "Errors one"]


def test_snippets_are_highlighted_and_sanitised(responder, admin):
    incident = factories.incident(
        responder, title="Banner broke",
        summary='<script>alert(1)</script> The <b>banner</b> showed "check back '
                'soon" to every user & <img src=x onerror=alert(2)>.')
    page = search("banner", admin)
    snippet = str(page.snippets[incident.id])
    assert "<mark>" in snippet and "banner</mark>" in snippet.lower()
    assert "<script" not in snippet and "<img" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet or "&lt;img" in snippet


def test_private_words_stay_hidden(responder, viewer, admin):
    commander = factories.user("responder")
    member = factories.user("viewer")
    # Declared by an admin: whoever declares a private incident becomes a member.
    private = factories.incident(admin, title="Payroll export leaked",
                                 summary="The zanzibar bucket was public.",
                                 is_public=False, commander=commander.email)
    db.session.add(IncidentMember(incident_id=private.id, user_id=member.id))
    factories.incident(responder, title="Public zanzibar outage")
    db.session.commit()
    assert titles("zanzibar", viewer) == ["Public zanzibar outage"]
    assert titles("payroll", responder) == []
    assert titles("payroll", None) == []
    assert search("zanzibar", viewer).total == 1
    for allowed in (commander, member, admin):
        assert titles("payroll", allowed) == ["Payroll export leaked"]
    assert "bucket" not in str(search("zanzibar", viewer).snippets)


def test_filters_apply_to_search(responder, admin):
    factories.component("API", slug="api")
    factories.incident(responder, title="API outage", components=["api"],
                       tags=["capacity"], severity="SEV1")
    factories.incident(responder, title="Website outage", severity="SEV4")
    assert titles("outage", admin, component="api") == ["API outage"]
    assert titles("outage", admin, tag="capacity") == ["API outage"]
    assert titles("outage", admin, severity="SEV4") == ["Website outage"]
    assert titles("outage", admin, public="false") == []


def test_common_words_are_ranked_within_the_newest_matches(responder, admin,
                                                            monkeypatch):
    monkeypatch.setattr(engine, "WINDOW", 3)
    for n in range(5):
        factories.incident(responder, title=f"Outage {n}", summary="users affected",
                           started_at=at(n), detected_at=at(n))
    page = search("users", admin)
    assert [i.title for i in page.items] == ["Outage 4", "Outage 3", "Outage 2"]
    assert page.total is None and page.more_than == 3


@pytest.mark.parametrize("q", ['"connection pool"', "connection pool", "pool"])
def test_looking_back_in_widening_spans_finds_the_same_window(responder, admin,
                                                             monkeypatch, q):
    # Matches among old texts, then many newer texts without them: the first
    # span holds too few, the next holds the window, the last is everything.
    # (PostgreSQL looks back in spans; FTS5 walks the newest first anyway.)
    for n in range(6):
        factories.incident(responder, title=f"Pool {n}",
                           summary="The connection pool ran dry.",
                           started_at=at(n), detected_at=at(n))
    for n in range(6, 16):
        factories.incident(responder, title=f"Other {n}", summary="Disk full.",
                           started_at=at(n), detected_at=at(n))
    monkeypatch.setattr(engine, "WINDOW", 4)
    everything = search(q, admin)
    assert {i.title for i in everything.items} <= {f"Pool {n}" for n in (2, 3, 4, 5)}
    assert everything.more_than and everything.items
    for spans in [(3, None), (3, 12, None), (1000, None)]:
        monkeypatch.setattr(engine, "_spans", lambda _query, s=spans: s)
        page = search(q, admin)
        assert page.items == everything.items, spans
        assert page.more_than == everything.more_than


@pytest.mark.parametrize(("text", "message"), [
    ("-alone", "needs a word"), ("%%% ___", "needs a word"),
    (" ".join(f"w{n}" for n in range(17)), "at most"),
])
def test_searches_with_nothing_to_find_are_refused(text, message):
    with pytest.raises(ValidationError) as caught:
        parse(text)
    assert message in caught.value.fields["q"]


def test_typed_syntax_is_never_fts5_syntax():
    expression = fts5(parse('a"b NEAR( c* -"x OR y" AND'))
    assert expression == '"a" AND "x" AND "OR" AND "y" AND "AND" AND "b NEAR( c* -"'
    # Whatever the text, the database accepts the expression.
    assert titles('a"b NEAR( c* -"x OR y" AND', None) == []
    assert titles("100% _literal_", None) == []


LIST_ARGS = [{}, {"status": "investigating"}, {"severity": "SEV1"},
             {"component": "api"}, {"tag": "capacity"}, {"public": "true"},
             {"tag": "capacity", "status": "resolved"}, {"page": "3"},
             {"q": "outage"}, {"q": '"api outage" -website'}]


@pytest.mark.parametrize("args", LIST_ARGS)
def test_no_list_or_search_query_reads_every_incident(args, responder):
    factories.component("API", slug="api")
    for n in range(3):
        factories.incident(responder, title=f"API outage {n}", components=["api"],
                           tags=["capacity"], started_at=at(n), detected_at=at(n))
    filters = incident_list.clean_filters(args)
    for viewer in (responder, None):
        first = incident_list.list_page(filters, viewer, 2)
        pages = [filters]
        if first.next_cursor:  # the next page, by cursor, too
            pages.append(incident_list.clean_filters(
                {**args, "cursor": first.next_cursor, "page": None}))
        for page in pages:
            statements = plans.statements_of(
                lambda v=viewer, p=page: incident_list.list_page(p, v, 2))
            assert statements
            for statement, parameters in statements:
                plan = plans.explain(statement, parameters, forbid_seqscan=True)
                scans = plans.full_scans(plan)
                assert not scans & {"incident", "search_document", "incident_facet"}, (
                    statement, plan)


def test_facets_follow_edits_of_tags_components_start_and_privacy(responder, viewer):
    from postmortem.domain import incidents

    factories.component("API", slug="api")
    factories.component("Website", slug="website")
    older = factories.incident(responder, title="Older", components=["api"],
                               tags=["dns"])
    newer = factories.incident(responder, title="Newer", components=["api"],
                               started_at=at(60), detected_at=at(61))

    def listed(viewer_, **args):
        page = incident_list.list_page(incident_list.clean_filters(args), viewer_, 25)
        return [i.title for i in page.items], page.total

    assert listed(viewer, component="api") == (["Newer", "Older"], 2)
    incidents.update(older, {"version": older.version, "started_at": at(90),
                             "detected_at": at(91),
                             "tags": ["cdn"], "components": ["api", "website"]},
                     responder)
    db.session.commit()
    assert listed(viewer, component="api") == (["Older", "Newer"], 2)
    assert listed(viewer, component="website") == (["Older"], 1)
    assert listed(viewer, tag="dns") == ([], 0)
    assert listed(viewer, tag="cdn") == (["Older"], 1)
    incidents.update(newer, {"version": newer.version, "is_public": False},
                     responder)
    db.session.commit()
    assert listed(viewer, component="api") == (["Older"], 1)


def _write_section(pm, body, actor):
    documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": pm.sections[0].key, "body": body}]}, actor)
    db.session.commit()


def test_postmortem_sections_are_searched_and_stay_private(responder, viewer, admin):
    commander = factories.user("responder")
    private = factories.incident(admin, title="Ledger drift", is_public=False,
                                 commander=commander.email)
    public = factories.incident(responder, title="Queue backlog")
    # Started (sections and post-mortem in one flush), then written.
    private_pm = documents.start(private, admin)
    public_pm = documents.start(public, responder)
    db.session.commit()
    _write_section(private_pm, "The quixotic reconciler double-counted.", admin)
    _write_section(public_pm, "Retries fed a xylophone storm.", responder)

    assert titles("xylophone", viewer) == ["Queue backlog"]
    assert titles("xylophone", None) == ["Queue backlog"]
    for allowed in (admin, commander):
        assert titles("quixotic", allowed) == ["Ledger drift"]
    for outsider in (viewer, responder, None):
        assert titles("quixotic", outsider) == []

    _write_section(public_pm, "Retries fed a thundering herd.", responder)
    assert titles("xylophone", viewer) == []
    assert titles("thundering", viewer) == ["Queue backlog"]


def _migration(name):
    path = Path(__file__).parents[2] / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section_documents():
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)
                             .where(SearchDocument.kind == "section"))


def test_sections_written_before_indexing_are_backfilled(responder, admin):
    incident = factories.incident(responder, title="Cache stampede")
    pm = documents.start(incident, responder)
    db.session.commit()
    _write_section(pm, "A marmalade key expired everywhere at once.", responder)
    indexed = _section_documents()
    assert indexed == len(pm.sections)

    # As before sections were searchable: the migration, then rebuild(),
    # index them again, once each.
    migration = _migration("0010_section_search")
    for backfill in (lambda c: c.execute(sa.text(migration.BACKFILL)),
                     index.rebuild):
        db.session.execute(sa.delete(SearchDocument)
                           .where(SearchDocument.kind == "section"))
        assert titles("marmalade", admin) == []
        backfill(db.session.connection())
        assert titles("marmalade", admin) == ["Cache stampede"]
        assert _section_documents() == indexed
