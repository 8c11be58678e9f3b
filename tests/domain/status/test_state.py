"""The public state version moves with public changes only; renders are
stored per version and served until it moves."""

from datetime import timedelta

from postmortem.domain import incidents
from postmortem.domain.status import cache, state
from postmortem.extensions import db
from postmortem.models.types import utcnow
from tests import factories
from tests.domain.status.world import post


def version():
    return state.current(db.session)[0]


def content(stored):
    return cache.body(db.engine, stored)


def test_public_changes_bump_and_private_ones_do_not(admin):
    factories.component("API", slug="api")
    before = version()
    assert before > 0  # adding a component is public
    private = factories.incident(admin, is_public=False, components=["api"])
    assert version() == before
    post(private, admin, "identified", "secret", utcnow())
    assert version() == before
    public = factories.incident(admin, components=["api"])
    assert version() == before + 1
    post(public, admin, "identified", "hello", utcnow())
    assert version() == before + 2
    # Making an incident private is a public change: it must disappear.
    incidents.update(public, {"is_public": False, "version": public.version}, admin)
    db.session.commit()
    assert version() == before + 3


def test_a_render_is_reused_until_the_version_moves(admin):
    calls = []

    def render():
        calls.append(1)
        return cache.Rendered(f"body {len(calls)}".encode(), "text/plain",
                              utcnow() + timedelta(hours=1))

    first = cache.fetch(db.session, "k", render)
    again = cache.fetch(db.session, "k", render)
    assert (content(first), content(again), len(calls)) == (b"body 1", b"body 1", 1)
    assert first.etag == again.etag
    factories.component("API", slug="api")
    third = cache.fetch(db.session, "k", render)
    assert content(third) == b"body 2" and third.etag != first.etag


def test_a_render_expires_at_valid_until(admin):
    now = utcnow()
    cache.fetch(db.session, "k", lambda: cache.Rendered(b"old", "text/plain",
                                                         now + timedelta(seconds=5)),
                now)
    fresh = cache.fetch(db.session, "k", lambda: cache.Rendered(
        b"new", "text/plain", now + timedelta(hours=1)), now + timedelta(seconds=6))
    assert content(fresh) == b"new"


def test_an_older_render_never_replaces_a_newer_one():
    now = utcnow()
    state.ensure(db.session.connection())
    cache.store(db.session, "k", 5, cache.Rendered(b"v5", "t", now), now)
    cache.store(db.session, "k", 4, cache.Rendered(b"v4", "t", now), now)
    db.session.commit()
    assert db.session.execute(
        cache.StatusRender.__table__.select()).first().body == b"v5"


def test_long_keys_are_hashed():
    key = cache.cache_key("index", "http://" + "a" * 400)
    assert len(key) <= cache.MAX_KEY
