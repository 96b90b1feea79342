import datetime

import pytest

from prm.accounts.models import Membership
from prm.ledger.models import Kind
from prm.ledger.services import Source
from prm.tenancy.context import tenant_scope

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def alice_membership(world):
    with tenant_scope(world.tenant_a):
        return Membership.objects.get(user=world.alice)


def claim(number):
    """The source of a test posting: a (made-up) MDF claim."""
    return Source("mdf", "claim", f"claim-{number}")


def account(world, kind=Kind.MDF_REIMBURSEMENT, currency="USD"):
    return {"partner_org": world.org1, "kind": kind, "currency": currency}
