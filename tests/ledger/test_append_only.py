"""Ledger postings are append-only in the database, as the audit log is: UPDATE and DELETE are refused to the
application role (no privilege) and to the owner (a trigger). Balance rows are updated, never deleted by code."""

import psycopg
import pytest
from django.db import connection, transaction

from prm.accounts.models import Membership
from prm.ledger.models import Kind
from prm.ledger.services import ledger_accrue
from prm.tenancy.context import tenant_scope
from prm.tenancy.rls import append_only_tables
from tests.conftest import make_member, owner_connection
from tests.factories import PartnerOrgFactory, TenantFactory
from tests.ledger.conftest import DAY, account, claim

STATEMENTS = ("UPDATE ledger_posting SET amount = amount + 1", "DELETE FROM ledger_posting")


def test_the_append_only_tables_are_the_models_that_say_so():
    assert set(append_only_tables()) == {"audit_auditevent", "ledger_posting", "partners_tierchange"}


@pytest.mark.parametrize("statement", [*STATEMENTS, "TRUNCATE ledger_posting"])
def test_postings_cannot_be_changed_by_the_app_role(world, alice_membership, statement):
    with tenant_scope(world.tenant_a):
        ledger_accrue(
            **account(world), actor_membership=alice_membership, amount="10", source=claim(1), business_date=DAY
        )
        refused = pytest.raises(Exception, match="permission denied")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_postings_cannot_be_changed_even_by_the_owner(committed_db):
    tenant = TenantFactory()
    with tenant_scope(tenant):
        org = PartnerOrgFactory()
        admin = Membership.objects.get(user=make_member("vendor_admin"))
        ledger_accrue(
            actor_membership=admin,
            partner_org=org,
            kind=Kind.SPIFF,
            currency="USD",
            amount="10",
            source=claim(1),
            business_date=DAY,
        )
    with owner_connection() as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant.pk)])
        assert conn.execute("SELECT count(*) FROM ledger_posting").fetchone()[0] == 1
        for statement in STATEMENTS:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="ledger postings are append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT amount FROM ledger_posting").fetchone()[0] == 10
