"""Fail closed all the way down: with no tenant in scope, SQL on a tenant table raises (the SQL guard, on in
tests and development) instead of quietly matching no row; `unscoped()` is a state of its own that lets
platform code through; a tenant row is never saved with no tenant in scope."""

import pytest
from django.db import connection

from prm.accounts.models import PartnerOrg
from prm.tenancy.context import (
    TenantNotSet,
    get_current_tenant,
    is_unscoped,
    tenant_scope,
    unscoped,
)
from prm.tenancy.guard import tenant_table_in
from prm.tenancy.models import Tenant


def test_an_orm_query_on_a_tenant_table_with_no_tenant_in_scope_raises(world):
    with pytest.raises(TenantNotSet, match="accounts_partnerorg queried with no tenant in scope"):
        PartnerOrg.all_tenants.count()


def test_raw_sql_on_a_tenant_table_with_no_tenant_in_scope_raises(world):
    with pytest.raises(TenantNotSet, match="catalog_product"), connection.cursor() as cursor:
        cursor.execute("select count(*) from catalog_product")  # unquoted, lower case: still seen


def test_unscoped_lets_platform_code_through_and_the_database_still_shows_no_tenant_row(world):
    with unscoped():
        assert is_unscoped() and get_current_tenant() is None
        assert PartnerOrg.all_tenants.count() == 0  # row-level security: no tenant, no row
        with tenant_scope(world.tenant_a):
            assert not is_unscoped()
            assert PartnerOrg.all_tenants.count() == 2
    assert not is_unscoped()


def test_platform_tables_need_no_scope(world):
    assert Tenant.objects.filter(slug="acme").exists()


def test_a_tenant_row_with_its_tenant_set_is_not_saved_with_no_tenant_in_scope(world):
    org = PartnerOrg(tenant=world.tenant_a, name="Sneaky", partner_type="reseller", country="DE")
    with pytest.raises(TenantNotSet):
        org.save()
    with unscoped(), pytest.raises(TenantNotSet):
        org.save()


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('SELECT "accounts_membership"."id" FROM "accounts_membership"', "accounts_membership"),
        ("  with x as (select 1) DELETE FROM pos_posline", "pos_posline"),
        ('ALTER TABLE "pos_posline" ADD COLUMN x int', None),  # migrations' DDL is not checked
        ('SELECT 1 FROM "tenancy_domain"', None),  # a platform table
        ('SELECT 1 FROM "pos_posline_archive"', None),  # a name that only starts like a tenant table
    ],
)
def test_the_guard_finds_tenant_tables_in_data_statements_only(sql, table):
    assert tenant_table_in(sql) == table
