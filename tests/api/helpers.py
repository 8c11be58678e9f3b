"""Helpers for API tests: a token-carrying client and reads of what is stored."""

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import AuditEntry


class Api:
    """A test client that sends a Bearer token with every request."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def request(self, method: str, path: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def fresh(model, ident):
    """The row as stored now, not as this session remembers it."""
    db.session.expire_all()
    return db.session.get(model, ident)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_count() -> int:
    return count(AuditEntry)


def assert_error(response, status: int, *fields: str):
    """A JSON error with `status` whose `fields` names each of `fields`."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    for name in fields:
        assert name in error["fields"], error
    return error
