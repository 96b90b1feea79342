import pytest
from django.db import IntegrityError, connection, transaction

from prm.accounts.models import Membership, PartnerOrg
from prm.tenancy.context import CrossTenantWrite, TenantNotSet, tenant_scope, unscoped
from prm.tenancy.db import set_tenant_sql
from prm.tenancy.rls import tenant_models
from tests.conftest import owner_connection
from tests.factories import PartnerOrgFactory
from tests.factories.populate import populate_tenant


@pytest.fixture
def populated(world):
    with tenant_scope(world.tenant_a):
        admin_a = Membership.objects.get(user=world.alice)
    with tenant_scope(world.tenant_b):
        admin_b = Membership.objects.get(user=world.charlie)
    populate_tenant(world.tenant_a, admin_membership=admin_a, partner_org=world.org1, marker="ALPHA")
    populate_tenant(world.tenant_b, admin_membership=admin_b, partner_org=world.org_b, marker="BRAVO")
    return world


def test_scoped_manager_raises_when_no_tenant_is_in_scope(world):
    with pytest.raises(TenantNotSet):
        list(PartnerOrg.objects.all())


def test_scoped_manager_returns_only_the_current_tenants_rows(world):
    with tenant_scope(world.tenant_a):
        names = set(PartnerOrg.objects.values_list("name", flat=True))
    assert names == {"Alpha Resellers", "Beta Distribution"}


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.db_table)
def test_raw_sql_as_app_role_returns_only_the_scoped_tenants_rows(populated, model):
    table = model._meta.db_table
    for tenant, other in ((populated.tenant_a, populated.tenant_b), (populated.tenant_b, populated.tenant_a)):
        with tenant_scope(tenant), connection.cursor() as cursor:
            cursor.execute(f'SELECT tenant_id FROM "{table}"')  # no WHERE clause: only RLS filters
            seen = {row[0] for row in cursor.fetchall()}
        assert seen == {tenant.pk}, f"{table}: expected rows of exactly one tenant, saw {seen}"
        assert other.pk not in seen
    with unscoped(), connection.cursor() as cursor:  # past the SQL guard: the database itself must show nothing
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        assert cursor.fetchone()[0] == 0, f"{table}: rows visible with no tenant set"


def test_row_level_security_is_enabled_and_forced_on_every_tenant_table(db):
    tables = [m._meta.db_table for m in tenant_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)", [tables]
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
    assert set(flags) == set(tables)
    assert all(flags[t] == (True, True) for t in tables), flags


def test_the_application_role_is_neither_superuser_nor_owner_nor_bypassing_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cursor.fetchone()[0] == 0


def test_the_database_refuses_a_reference_to_another_tenants_row(world):
    with tenant_scope(world.tenant_a), pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("UPDATE accounts_membership SET partner_org_id = %s WHERE role = 'partner_admin'", [world.org_b.pk])


def test_the_database_refuses_a_row_written_for_another_tenant(world):
    refused = pytest.raises(Exception, match="row-level security")
    with tenant_scope(world.tenant_a), refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_partnerorg (id, tenant_id, name, partner_type, country, status, created_at)"
            " VALUES (gen_random_uuid(), %s, 'Smuggled', 'reseller', 'DE', 'active', now())",
            [world.tenant_b.pk],
        )


def test_saving_a_row_of_another_tenant_inside_a_scope_raises(world):
    with tenant_scope(world.tenant_a), pytest.raises(CrossTenantWrite):
        world.org_b.save()


def test_the_tenant_setting_is_restored_after_a_savepoint_rollback(world):
    with tenant_scope(world.tenant_a):
        assert PartnerOrg.all_tenants.count() == 2
        with tenant_scope(world.tenant_b), pytest.raises(RuntimeError), transaction.atomic():
            assert PartnerOrg.all_tenants.count() == 1
            raise RuntimeError("roll back to the savepoint")
        # The savepoint rollback undid the set_config of tenant A's transaction state
        assert PartnerOrg.all_tenants.count() == 2
    with tenant_scope(world.tenant_b):
        assert set(PartnerOrg.all_tenants.values_list("name", flat=True)) == {"Gamma Partners"}


def test_queries_in_autocommit_mode_are_filtered_too(committed_db):
    from tests.factories import TenantFactory

    tenant_a, tenant_b = TenantFactory(), TenantFactory()
    with tenant_scope(tenant_a):
        PartnerOrgFactory(name="Only in A")
    with tenant_scope(tenant_b):
        PartnerOrgFactory(name="Only in B")
        assert connection.get_autocommit()
        assert list(PartnerOrg.all_tenants.values_list("name", flat=True)) == ["Only in B"]
    with unscoped():
        assert PartnerOrg.all_tenants.count() == 0


def test_audit_events_cannot_be_updated_or_deleted_by_the_app_role(populated):
    for statement in ("UPDATE audit_auditevent SET reason = 'rewritten'", "DELETE FROM audit_auditevent"):
        refused = pytest.raises(Exception, match="permission denied")
        with tenant_scope(populated.tenant_a), refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_audit_events_cannot_be_updated_or_deleted_even_by_the_owner(committed_db):
    import psycopg

    from prm.audit.services import record
    from tests.factories import TenantFactory

    tenant = TenantFactory()
    with tenant_scope(tenant):
        record(action="test.committed", object_type="test", object_id="1")
    with owner_connection() as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant.pk)])
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 1
        for statement in ("UPDATE audit_auditevent SET reason = 'rewritten'", "DELETE FROM audit_auditevent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)


def test_bulk_create_gives_new_rows_the_scopes_tenant_and_refuses_another_tenants_rows(world):
    with tenant_scope(world.tenant_a):
        created = PartnerOrg.objects.bulk_create([PartnerOrg(name="Bulk One", partner_type="reseller", country="DE")])
        assert created[0].tenant_id == world.tenant_a.pk
        with pytest.raises(CrossTenantWrite):
            PartnerOrg.objects.bulk_create(
                [PartnerOrg(tenant=world.tenant_b, name="Smuggled", partner_type="reseller", country="DE")]
            )
    with tenant_scope(world.tenant_b):
        assert not PartnerOrg.objects.filter(name__in=["Bulk One", "Smuggled"]).exists()


def test_the_tenant_is_set_with_set_local_of_a_validated_uuid(world):
    """SET LOCAL (which Citus forwards to its workers) of a literal: SET takes no parameters, so only a UUID
    may become the literal."""
    tenant_id = world.tenant_a.pk
    assert set_tenant_sql(tenant_id) == f"SET LOCAL app.tenant_id = '{tenant_id}'"
    assert set_tenant_sql(None) == "SET LOCAL app.tenant_id = ''"
    with pytest.raises(ValueError):
        set_tenant_sql("00000000-0000-0000-0000-000000000000'; RESET ROLE; --")
    with tenant_scope(world.tenant_a), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id')")
        assert cursor.fetchone()[0] == str(tenant_id)
