"""The synthetic history: deterministic per seed, indexed, and never mixed
into real incidents unless asked."""

import pytest
import sqlalchemy as sa

from postmortem.domain import history, incident_list
from postmortem.domain.errors import Conflict
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    Incident,
    IncidentFacet,
    SearchDocument,
    StatusUpdate,
    TimelineEvent,
)
from tests import factories
from tests.conftest import _empty_tables


def snapshot() -> list[tuple]:
    rows = db.session.execute(sa.select(
        Incident.title, Incident.summary, Incident.severity, Incident.status,
        Incident.started_at, Incident.resolved_at, Incident.is_public,
    ).order_by(Incident.id))
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                   for model in (StatusUpdate, TimelineEvent, ActionItem))
    return [*rows, counts]


def test_same_seed_same_history_other_seed_other_history():
    history.seed(40, seed=7)
    first = snapshot()
    _empty_tables()
    history.seed(40, seed=7)
    assert snapshot() == first
    _empty_tables()
    history.seed(40, seed=8)
    assert snapshot() != first


def test_history_is_plausible_and_searchable(admin):
    assert history.seed(60, seed=3) == 60
    incidents = list(db.session.scalars(sa.select(Incident)))
    assert len(incidents) == 60
    assert {i.severity for i in incidents} >= {"SEV3", "SEV4"}
    assert any(i.status != "resolved" for i in incidents)
    assert sum(i.status == "resolved" for i in incidents) > 50
    spread = max(i.started_at for i in incidents) - min(i.started_at for i in incidents)
    assert spread.days > 365
    for incident in incidents:
        assert incident.affected and incident.tags
        assert (incident.resolved_at is None
                or incident.resolved_at > incident.started_at)
    documents = db.session.scalar(sa.select(sa.func.count(SearchDocument.id)))
    assert documents > 60 * 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncidentFacet))
    found = incident_list.list_page(incident_list.clean_filters({"q": "users"}),
                                    admin, 25)
    assert found.items and found.snippets
    tagged = incident_list.list_page(incident_list.clean_filters(
        {"tag": history.TAG}), admin, 100)
    assert tagged.total == 60


def test_refuses_a_database_with_incidents_unless_forced(responder):
    factories.incident(responder, title="A real outage")
    with pytest.raises(Conflict):
        history.seed(5)
    assert history.seed(5, force=True) == 5
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 6


def test_new_rows_after_a_seed_get_fresh_ids(responder):
    history.seed(5)
    incident = factories.incident(responder, title="Declared after seeding")
    assert incident.id > max(db.session.scalars(
        sa.select(Incident.id).where(Incident.title != "Declared after seeding")))


def test_cli_seeds_and_refuses(runner):
    result = runner.invoke(args=["seed-history", "--incidents", "3", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 incidents" in result.output
    again = runner.invoke(args=["seed-history", "--incidents", "3"])
    assert again.exit_code != 0 and "already holds 3 incidents" in again.output
