"""A signed-in request reads its user and its membership in one transaction (MembershipMiddleware): each
transaction outside the view costs a BEGIN, the tenant's SET LOCAL and a COMMIT round trip (the platform tables'
domain lookup, outside any tenant, needs none)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.accounts.models import Role
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, TenantFactory


def test_the_user_and_the_membership_are_read_in_one_transaction(committed_db, client):
    from prm.tenancy.context import tenant_scope

    tenant = TenantFactory(slug="txn")
    with tenant_scope(tenant):
        user = make_member(Role.PARTNER_ADMIN, PartnerOrgFactory(), email="pat@txn.test")
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST="txn.localhost").status_code == 200

    commits = [q["sql"] for q in queries].count("COMMIT")
    assert commits == 2  # the middleware's reads (the user, the membership), then the view's (ATOMIC_REQUESTS)
