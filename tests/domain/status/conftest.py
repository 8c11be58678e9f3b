import pytest

from tests.domain.status import world as status_world


@pytest.fixture
def world(admin):
    return status_world.build(admin)
