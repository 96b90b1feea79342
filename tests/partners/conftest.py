import pytest

from partners.services.tiers import tier_create
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import catalog, membership  # noqa: F401 - POS's catalogue: tier tests load real sales lines


@pytest.fixture
def tiers(world, catalog):  # noqa: F811 - the imported fixture, requested
    """Silver from 5,000 and Gold from 12,000 for every type; a referral track with Referral Plus from 1,000."""
    with tenant_scope(world.tenant_a):
        alice = membership(world, world.alice)
        made = {
            name: tier_create(actor_membership=alice, name=name, rank=rank, min_sales_12m=sales, partner_types=types)
            for name, rank, sales, types in (
                ("Silver", 1, "5000", []),
                ("Gold", 2, "12000", []),
                ("Referral Plus", 1, "1000", ["referral"]),
            )
        }
    return made
