"""Scheduling maintenance and moving it along."""

from datetime import timedelta

import pytest

from postmortem.domain.errors import Conflict, ValidationError
from postmortem.domain.status import maintenance
from postmortem.extensions import db
from postmortem.models.types import utcnow
from tests import factories


@pytest.fixture
def api():
    return factories.component("API", slug="api")


def window(admin, **overrides):
    now = utcnow()
    data = {"title": "Upgrade", "components": ["api"],
            "scheduled_for": now + timedelta(hours=1),
            "scheduled_until": now + timedelta(hours=2)} | overrides
    found = maintenance.schedule(data, admin)
    db.session.commit()
    return found


def test_schedule_writes_a_first_update(admin, api):
    found = window(admin, message="Writes pause")
    assert found.status == "scheduled"
    assert [u.message for u in found.updates] == ["Writes pause"]
    assert found.components == [api]


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"),
    ({"components": []}, "components"),
    ({"components": ["nope"]}, "components"),
    ({"scheduled_until": "2020-01-01T00:00:00Z"}, "scheduled_until"),
    ({"scheduled_for": "tomorrow"}, "scheduled_for"),
])
def test_bad_input_names_the_field(admin, api, data, field):
    with pytest.raises(ValidationError) as caught:
        window(admin, **data)
    assert field in caught.value.fields


def test_updates_move_it_through_its_states(admin, api):
    found = window(admin)
    now = utcnow()
    assert maintenance.effective_status(found, now) == "scheduled"
    assert maintenance.effective_status(found, found.scheduled_for) == "in_progress"
    maintenance.post_update(found, {"status": "in_progress"}, admin)
    assert found.started_at is not None and maintenance.is_active(found, now)
    maintenance.post_update(found, {"status": "verifying"}, admin)
    maintenance.post_update(found, {"status": "completed"}, admin)
    db.session.commit()
    assert found.completed_at is not None
    assert not maintenance.is_active(found, utcnow())
    assert [u.status for u in found.updates][0] == "completed"
    assert found.updates[0].message == maintenance.DEFAULT_MESSAGES["completed"]
    with pytest.raises(ValidationError):
        maintenance.post_update(found, {"status": "exploded"}, admin)


def test_edit_needs_the_current_version(admin, api):
    found = window(admin)
    maintenance.edit(found, {"title": "Bigger upgrade", "version": found.version},
                     admin)
    db.session.commit()
    with pytest.raises(Conflict):
        maintenance.edit(found, {"title": "x", "version": 1}, admin)
