"""Fixtures for the domain tests: an incident with components to act on."""

import pytest

from tests import factories


@pytest.fixture
def api_and_web():
    """The API and Website components."""
    return (factories.component("API", slug="api", group="Platform"),
            factories.component("Website", slug="website", group="Web"))


@pytest.fixture
def incident(responder, api_and_web):
    """Declared at 09:04 for impact from 09:00, the API and Website affected."""
    return factories.incident(responder, components=[
        {"slug": "api", "status": "major_outage"}, "website"])
