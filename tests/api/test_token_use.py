"""API tokens record when they were last used (at most one write a minute),
and the token lists show it, so stale tokens can be revoked."""

from datetime import timedelta

import sqlalchemy as sa

from postmortem.domain import accounts
from postmortem.extensions import db
from postmortem.models import ApiToken
from tests import factories
from tests.conftest import login


def _last_used():
    db.session.expire_all()
    return db.session.scalar(sa.select(ApiToken.last_used_at))


def _get(client, plain):
    return client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {plain}"})


def test_a_read_records_last_used_at(client, viewer):
    plain = factories.token(viewer)
    assert _last_used() is None
    assert _get(client, plain).status_code == 200
    assert _last_used() is not None


def test_writes_are_throttled_to_one_a_minute(client, viewer, monkeypatch):
    plain = factories.token(viewer)
    _get(client, plain)
    first = _last_used()
    _get(client, plain)
    assert _last_used() == first
    later = first + timedelta(minutes=1, seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    _get(client, plain)
    assert _last_used() == later


def test_a_refused_token_records_nothing(client, viewer):
    plain = factories.token(viewer)
    accounts.revoke_token(db.session.scalar(sa.select(ApiToken.id)), viewer)
    db.session.commit()
    assert _get(client, plain).status_code == 401
    assert _last_used() is None


def test_the_admin_token_list_shows_last_use(client, admin, viewer):
    plain = factories.token(viewer)
    login(client, admin)
    assert "Never" in client.get("/admin/tokens").get_data(as_text=True)
    _get(client, plain)
    used = _last_used().strftime("%Y-%m-%d %H:%M")
    html = client.get("/admin/tokens").get_data(as_text=True)
    assert viewer.email in html and used in html
