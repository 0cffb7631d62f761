"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by DATABASE_URL/REDIS_URL."""

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _isolated_cache_and_axes(settings):
    """Each test starts with an empty cache (rate limits) and no login lockouts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province(db):
    return factories.province_tree()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def other_agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def citizen(db):
    return factories.UserFactory()


@pytest.fixture
def other_citizen(db):
    return factories.UserFactory()


@pytest.fixture
def desk_officer(agency):
    return factories.officer(agency, "desk_officer")


@pytest.fixture
def specialist(agency):
    return factories.officer(agency, "specialist")


@pytest.fixture
def leader(agency):
    return factories.officer(agency, "leader")


@pytest.fixture
def monitor(db):
    return factories.monitor()


@pytest.fixture
def procedure(agency):
    return factories.ProcedureFactory(agencies=[agency])
