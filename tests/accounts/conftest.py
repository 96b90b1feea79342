"""Shared by the accounts tests. Rate limits, used TOTP codes and cached sessions live in the cache: the root
conftest gives every test process (each pytest-xdist worker, each run with its own PRM_TEST_REDIS_DB) a Redis
database of its own and empties it before each test, so a rate-limit count is only ever this test's."""

import pytest

from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member


@pytest.fixture
def analyst(world):
    """A read-only vendor analyst of tenant A."""
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")
