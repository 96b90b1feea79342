from types import SimpleNamespace

import pytest

from prm.accounts.models import Membership
from prm.tenancy.context import tenant_scope
from prm.territories import services


@pytest.fixture
def tree(world):
    """Tenant A's territories: EMEA → DACH (DE, AT, CH) → DE-South (DE postcodes 7, 8, 9); EMEA → UK&I (GB, IE);
    Americas → North America (US, CA). alice is the vendor admin, bob a channel manager."""
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.get(user=world.alice)
        bob = Membership.objects.get(user=world.bob)

        def create(name, code, parent=None, countries=(), prefixes=None):
            return services.territory_create(
                actor_membership=alice, name=name, code=code, parent=parent, countries=countries,
                postcode_prefixes=prefixes,
            )  # fmt: skip

        emea = create("EMEA", "EMEA")
        dach = create("EMEA-DACH", "DACH", emea, ["DE", "AT", "CH"])
        de_south = create("DE-South", "DE-S", dach, ["DE"], {"DE": ["7", "8", "9"]})
        uki = create("UK&I", "UKI", emea, ["GB", "IE"])
        americas = create("Americas", "AMER")
        north_america = create("North America", "NA", americas, ["US", "CA"])
    return SimpleNamespace(
        alice=alice, bob=bob, emea=emea, dach=dach, de_south=de_south, uki=uki, americas=americas,
        north_america=north_america,
    )  # fmt: skip
