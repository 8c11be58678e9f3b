"""API clients holding a Bearer token per role, and a few seeded records."""

from functools import partial

import pytest
from werkzeug.security import generate_password_hash

from postmortem.domain import accounts
from tests import factories
from tests.api.helpers import Api


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """These tests are about the API, not password storage: a one-round hash
    makes each user cost microseconds instead of a tenth of a second."""
    monkeypatch.setattr(accounts, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def admin_api(client, admin):
    return Api(client, factories.token(admin))


@pytest.fixture
def responder_api(client, responder):
    return Api(client, factories.token(responder))


@pytest.fixture
def viewer_api(client, viewer):
    return Api(client, factories.token(viewer))


@pytest.fixture
def api_component():
    return factories.component("API", slug="api")


@pytest.fixture
def website_component():
    return factories.component("Website", slug="website", group="Web")


@pytest.fixture
def incident(responder, api_component):
    return factories.incident(responder, title="API errors", components=["api"],
                              tags=["capacity"])
