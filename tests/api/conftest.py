"""API clients holding a Bearer token per role, and a few seeded records."""


import pytest

from tests import factories
from tests.api.helpers import Api


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
