"""An incident with scope, events, samples and action items, and its
post-mortem started from the default template."""

import pytest

from postmortem.domain.postmortem import documents
from postmortem.extensions import db
from tests import factories
from tests.postmortem_data import build_outage


@pytest.fixture
def author():
    return factories.user("responder", name="Ada Author")


@pytest.fixture
def reviewer():
    return factories.user("responder", name="Rex Reviewer")


@pytest.fixture
def outage(author):
    """Website and API down 09:00-11:40 UTC for free and paid users."""
    return build_outage(author)


@pytest.fixture
def pm(outage, author):
    started = documents.start(outage, author)
    db.session.commit()
    return started
