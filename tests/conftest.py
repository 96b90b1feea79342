"""Test set-up: real PostgreSQL and Redis, queries as the application role.

The test database is created and migrated as the owner role (as in production), then every test runs as
the application role — neither owner nor superuser — so row-level security applies to the tests exactly
as it does to the portal. Celery runs eagerly; tests that prove worker behaviour start a real worker.
"""

import functools
import os
import shutil
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from rest_framework.settings import api_settings

from prm.accounts.models import Role
from prm.celery import app as celery_app
from prm.tenancy.context import tenant_scope
from tests.factories import MembershipFactory, PartnerOrgFactory, TenantFactory, UserFactory

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.PRM_TENANT_SQL_GUARD = True  # a tenant table touched with no tenant in scope raises (prm.tenancy.guard)
settings.PRM_RAISE_HOOK_ERRORS = True  # a module's failing home card or panel fails the test (prm.portal.hooks)
# Tests use their own Redis database, emptied before each test (rate limits, cached sessions);
# PRM_TEST_REDIS_DB gives a second test run at once another one. Under pytest-xdist (`make test` runs
# PYTEST_WORKERS processes) worker gwN takes the database N below it, as pytest-django gives it <test db>_gwN.


def caches_in_redis_database(number, **options):
    """settings.CACHES with every alias in Redis database `number` (keeping each alias's key function)."""
    location = settings.REDIS_URL.rstrip("/").rpartition("/")[0] + f"/{number}"
    return {alias: {**config, "LOCATION": location, **options} for alias, config in settings.CACHES.items()}


_XDIST_WORKER_NUMBER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
settings.CACHES = caches_in_redis_database(int(os.environ.get("PRM_TEST_REDIS_DB", "15")) - _XDIST_WORKER_NUMBER)
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True
# API rates no test reaches (the schema fuzzer sends thousands of requests with one token); the throttle's own
# tests lower them (tests/api/test_throttling.py). api_settings may have read REST_FRAMEWORK already: read it again.
settings.REST_FRAMEWORK = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "burst": "1000000/min",
        "sustained": "1000000/day",
        "partner_applications": "1000000/day",
    },
}
api_settings.reload()


def _use_role(user, password):
    connection = connections["default"]
    connection.close()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password


def _trade_durability_for_speed():
    """The test database alone commits without waiting for the disk (every connection to it, a live server's
    and a worker process's too); the cluster stays durable for the demo sharing it (scripts/services.sh)."""
    connection = connections["default"]
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_modify_db_settings, django_db_blocker):
    app_user = settings.DATABASES["default"]["USER"]
    app_password = settings.DATABASES["default"]["PASSWORD"]
    with django_db_blocker.unblock():
        _use_role(settings.DB_OWNER_USER, settings.DB_OWNER_PASSWORD)
        # No serialized copy of the database: no test uses serialized_rollback, and under RLS it would be empty.
        old_config = setup_databases(verbosity=0, interactive=False, keepdb=False, serialized_aliases=[])
        _trade_durability_for_speed()
        _use_role(app_user, app_password)
    yield
    with django_db_blocker.unblock():
        _use_role(settings.DB_OWNER_USER, settings.DB_OWNER_PASSWORD)
        teardown_databases(old_config, verbosity=0)
        _use_role(app_user, app_password)


def owner_connection():
    """A psycopg connection to the test database as the owner role (for set-up checks and clean-up)."""
    db = connections["default"].settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        dbname=db["NAME"],
        user=settings.DB_OWNER_USER,
        password=settings.DB_OWNER_PASSWORD,
        autocommit=True,
    )


@functools.cache
def _tables_filled_by_migrations():
    """Tables that hold rows before any test commits one (content types, the country aliases POS resolves): read
    at the first use of `committed_db`, when every earlier test has rolled back."""
    with owner_connection() as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return frozenset(t for t in tables if conn.execute(f'SELECT EXISTS (SELECT FROM "{t}")').fetchone()[0])


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access whose writes really commit (for a live server or a worker in another process).
    Afterwards every table migrations did not fill is emptied as the owner (the app role may not truncate the
    audit log)."""
    with django_db_blocker.unblock():
        keep = _tables_filled_by_migrations()
        yield
        connections["default"].close()
        with owner_connection() as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            names = ", ".join(f'"{t}"' for t in tables if t not in keep)
            conn.execute(f"TRUNCATE {names} CASCADE")


@pytest.fixture
def live_server_url(committed_db):
    """The portal served on 127.0.0.1:<port> by a thread with its own database connection, as a server runs
    (what is streamed after the request's transaction is tested here); tenants are http://<slug>.localhost:<port>."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://{{host}}:{thread.port}"
    thread.terminate()


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    """Each test starts with its own media folder, an empty cache and the default language: a request in French
    leaves its thread in French (LocaleMiddleware activates, nothing deactivates), which would turn a later test's
    messages French under pytest-xdist's test order."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    translation.deactivate()
    yield
    translation.deactivate()
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@dataclass
class World:
    """Two tenants in the alice / bob / charlie shape.

    Tenant A: alice (vendor admin), bob (channel manager), org1 with pat (partner admin) and una (partner
    user), org2 with otto (partner admin). Tenant B: charlie (vendor admin), org_b with bea (partner admin).
    """

    tenant_a: object
    tenant_b: object
    alice: object
    bob: object
    pat: object
    una: object
    otto: object
    charlie: object
    bea: object
    org1: object
    org2: object
    org_b: object

    def client(self, user, tenant=None):
        tenant = tenant or (self.tenant_b if user in (self.charlie, self.bea) else self.tenant_a)
        client = Client(HTTP_HOST=host_of(tenant))
        if user is not None:
            client.force_login(user)
        return client


def host_of(tenant):
    return tenant.domains.get(is_primary=True).host


def make_member(role, org=None, **user_kwargs):
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, role=role, partner_org=org)
    return user


@pytest.fixture
def world(db):
    tenant_a = TenantFactory(name="Acme Networks", slug="acme", primary_colour="#aa0000")
    tenant_b = TenantFactory(name="Globex Systems", slug="globex", primary_colour="#0000aa")
    with tenant_scope(tenant_a):
        org1 = PartnerOrgFactory(name="Alpha Resellers")
        org2 = PartnerOrgFactory(name="Beta Distribution", partner_type="distributor")
        alice = make_member(Role.VENDOR_ADMIN, email="alice@acme.test")
        bob = make_member(Role.CHANNEL_MANAGER, email="bob@acme.test")
        pat = make_member(Role.PARTNER_ADMIN, org1, email="pat@alpha.test")
        una = make_member(Role.PARTNER_USER, org1, email="una@alpha.test")
        otto = make_member(Role.PARTNER_ADMIN, org2, email="otto@beta.test")
    with tenant_scope(tenant_b):
        org_b = PartnerOrgFactory(name="Gamma Partners")
        charlie = make_member(Role.VENDOR_ADMIN, email="charlie@globex.test")
        bea = make_member(Role.PARTNER_ADMIN, org_b, email="bea@gamma.test")
    return World(tenant_a, tenant_b, alice, bob, pat, una, otto, charlie, bea, org1, org2, org_b)
