"""Small factories that build rows through the domain, as real use does."""

import itertools
from datetime import UTC, datetime, timedelta

from postmortem.domain import accounts, components, incidents
from postmortem.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """A time `minutes` after 09:00 UTC on the Monday of the demo outage."""
    return T0 + timedelta(minutes=minutes)


def user(role: str = "responder", **overrides):
    n = next(_seq)
    data = {"email": f"{role}{n}@example.com", "password": PASSWORD, "role": role,
            "name": f"{role.title()} {n}"} | overrides
    created = accounts.create_user(data)
    db.session.commit()
    return created


def component(name: str | None = None, **overrides):
    n = next(_seq)
    data = {"name": name or f"Component {n}"} | overrides
    created = components.create_component(data, None)
    db.session.commit()
    return created


def token(owner) -> str:
    _token, plain = accounts.create_token(owner, "test")
    db.session.commit()
    return plain


def incident(actor=None, **overrides):
    data = {"title": f"Incident {next(_seq)}", "severity": "SEV2", "impact": "major",
            "started_at": at(0), "detected_at": at(4)} | overrides
    created = incidents.declare(data, actor)
    db.session.commit()
    return created
