"""territories_for: the most specific territory holding an address, then its ancestors; the tree's order."""

import pytest

from prm.services import Conflict
from prm.tenancy.context import tenant_scope
from prm.territories import services
from prm.territories.selectors import territories_for, territory_tree


def names(territories):
    return [t.name for t in territories]


@pytest.mark.parametrize(
    ("country", "postcode", "expected"),
    [
        ("DE", "70173", ["DE-South", "EMEA-DACH", "EMEA"]),  # a postcode prefix is more specific than the country
        ("DE", "10115", ["EMEA-DACH", "EMEA"]),  # no prefix fits: the country's territory
        ("DE", None, ["EMEA-DACH", "EMEA"]),
        ("de", " 8 0-331", ["DE-South", "EMEA-DACH", "EMEA"]),  # case, spaces and hyphens do not matter
        ("AT", "7000", ["EMEA-DACH", "EMEA"]),  # DE-South's prefixes are German postcodes only
        ("CA", "", ["North America", "Americas"]),
        ("FR", "75001", []),  # no territory holds France
    ],
)
def test_an_address_matches_its_most_specific_territory_and_every_ancestor(world, tree, country, postcode, expected):
    with tenant_scope(world.tenant_a):
        assert names(territories_for(country, postcode)) == expected


def test_the_longest_matching_postcode_prefix_wins(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_create(
            actor_membership=tree.alice, name="Stuttgart", code="STR", parent=tree.de_south, countries=["DE"],
            postcode_prefixes={"DE": ["70"]},
        )  # fmt: skip

        assert names(territories_for("DE", "70173")) == ["Stuttgart", "DE-South", "EMEA-DACH", "EMEA"]
        assert names(territories_for("DE", "71034")) == ["DE-South", "EMEA-DACH", "EMEA"]


def test_an_area_belongs_to_one_territory_of_the_tenant(world, tree):
    with tenant_scope(world.tenant_a), pytest.raises(Conflict) as refused:
        services.territory_create(actor_membership=tree.alice, name="Germany", code="DE", countries=["DE", "FR"])

    assert refused.value.code == "area_taken"
    assert "EMEA-DACH" in refused.value.message


def test_another_tenant_may_hold_the_same_area(world, tree):
    from prm.accounts.models import Membership

    with tenant_scope(world.tenant_b):
        charlie = Membership.objects.get(user=world.charlie)
        services.territory_create(actor_membership=charlie, name="EMEA-DACH", code="DACH", countries=["DE"])

        assert names(territories_for("DE", "70173")) == ["EMEA-DACH"]
    with tenant_scope(world.tenant_a):
        assert names(territories_for("DE", "70173")) == ["DE-South", "EMEA-DACH", "EMEA"]


def test_the_tree_lists_each_territory_under_its_parent(world, tree):
    with tenant_scope(world.tenant_a):
        rows = [(t.depth, t.name) for t in territory_tree()]

    assert rows == [
        (0, "Americas"),
        (1, "North America"),
        (0, "EMEA"),
        (1, "EMEA-DACH"),
        (2, "DE-South"),
        (1, "UK&I"),
    ]
