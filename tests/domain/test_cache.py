"""The shared cache: database or Redis, never one process's memory."""

import json
from datetime import timedelta

import sqlalchemy as sa

from postmortem.domain import cache, impact
from postmortem.extensions import db
from postmortem.models import CacheEntry
from postmortem.models.types import utcnow
from tests import factories
from tests.factories import at


def counting_build(value="<svg/>"):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_built_once_per_fingerprint_and_stored_in_the_database():
    build, calls = counting_build()
    assert cache.fetch("k", "v1", build) == "<svg/>"
    assert cache.fetch("k", "v1", build) == "<svg/>"
    assert len(calls) == 1
    # Stored in its own transaction: another connection sees it at once.
    with db.engine.connect() as other:
        assert other.execute(sa.select(CacheEntry.fingerprint)).scalar() == "v1"
    assert cache.fetch("k", "v2", build) == "<svg/>" and len(calls) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CacheEntry)) == 1


def test_a_failing_store_is_only_a_miss(monkeypatch):
    def broken(*_args):
        raise RuntimeError("database gone")

    monkeypatch.setattr(cache, "_put", broken)
    monkeypatch.setattr(cache, "_get", broken)
    build, calls = counting_build("fresh")
    assert cache.fetch("k", "v", build) == "fresh" and calls == [1]


class FakeRedis:
    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key] = value
        self.expiry = ex


def test_redis_when_redis_url_is_set(app, monkeypatch):
    fake = FakeRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(cache._redis_clients, "redis://127.0.0.1:1/0", fake)
    build, calls = counting_build()
    cache.fetch("k", "v1", build)
    cache.fetch("k", "v1", build)
    assert len(calls) == 1
    assert json.loads(fake.data["postmortem:k"])["fingerprint"] == "v1"
    assert fake.expiry == 30 * 24 * 3600  # let go unless stored afresh
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CacheEntry)) == 0


def test_impact_chart_is_redrawn_when_the_incident_or_samples_change(
        responder, monkeypatch):
    incident = factories.incident(responder)
    impact.record(incident, [{"at": at(5), "metric": "user_reports", "value": 10}],
                  responder)
    db.session.commit()
    drawn = []
    real = cache.charts.responsive_chart
    monkeypatch.setattr(cache.charts, "responsive_chart",
                        lambda *a, **k: drawn.append(1) or real(*a, **k))
    first = cache.impact_chart(impact.for_incident(incident), incident)
    again = cache.impact_chart(impact.for_incident(incident), incident)
    assert first == again and "<svg" in str(first) and len(drawn) == 1
    impact.record(incident, [{"at": at(5), "metric": "user_reports", "value": 99}],
                  responder)
    db.session.commit()
    cache.impact_chart(impact.for_incident(incident), incident)
    assert len(drawn) == 2
    incident.mitigated_at = at(30)
    db.session.commit()
    cache.impact_chart(impact.for_incident(incident), incident)
    assert len(drawn) == 3


def test_old_entries_are_pruned_and_rendered_again_when_asked(runner):
    build, calls = counting_build()
    for key in ("old", "new"):
        cache.fetch(key, "v", build)
    db.session.execute(sa.update(CacheEntry).where(CacheEntry.key == "old")
                       .values(stored_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    result = runner.invoke(args=["prune-cache"])
    assert result.exit_code == 0 and "Deleted 1 cache entries" in result.output
    db.session.expire_all()
    assert db.session.scalars(sa.select(CacheEntry.key)).all() == ["new"]
    cache.fetch("old", "v", build)
    assert len(calls) == 3
