"""Shared by the accounts tests.

Rate limits, used TOTP codes and cached sessions live in the cache. The root conftest points every test at
one shared Redis database and empties it before each test; other suites running at the same moment would then
empty ours halfway through a test (or fill the per-IP login counter). These tests use a Redis database of
their own, emptied before each test, so a rate-limit count is only ever this test's. A run given its own Redis
database (PRM_TEST_REDIS_DB, for test runs side by side) uses that one: a fixed number would be shared again by
every such run.
"""

import os

import pytest
from django.core.cache import cache

from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.conftest import caches_in_redis_database, make_member

ACCOUNTS_REDIS_DB = int(os.environ.get("PRM_TEST_REDIS_DB", "13"))


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = caches_in_redis_database(ACCOUNTS_REDIS_DB, KEY_PREFIX="prm_h_accounts")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def analyst(world):
    """A read-only vendor analyst of tenant A."""
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")
