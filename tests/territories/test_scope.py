"""partner_orgs_in_scope: what a limited staff member may reach — their territories' partner organisations, those
of the territories below, and the ones they are the channel manager of."""

from prm.accounts.models import Membership
from prm.tenancy.context import tenant_scope
from prm.territories import services
from prm.territories.selectors import is_in_scope, partner_orgs_in_scope
from tests.factories import PartnerOrgFactory


def org_names(orgs):
    return sorted(org.name for org in orgs)


def scoped_world(world, tree):
    """org1 in DE-South (below DACH), org2 in UK&I, Delta nowhere but managed by bob, Echo nowhere; bob in DACH."""
    with tenant_scope(world.tenant_a):
        services.territory_assign_partner_org(
            actor_membership=tree.alice, territory=tree.de_south, partner_org=world.org1
        )
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.uki, partner_org=world.org2)
        PartnerOrgFactory(name="Delta Systems", channel_manager=tree.bob)
        PartnerOrgFactory(name="Echo Networks")
        services.territory_assign_staff(actor_membership=tree.alice, territory=tree.dach, membership=tree.bob)


def test_unlimited_staff_reach_every_partner_org(world, tree):
    scoped_world(world, tree)
    with tenant_scope(world.tenant_a):
        assert len(partner_orgs_in_scope(tree.bob)) == 4


def test_limited_staff_reach_their_territories_and_those_below_and_their_own_accounts(world, tree):
    scoped_world(world, tree)
    with tenant_scope(world.tenant_a):
        services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)

        assert org_names(partner_orgs_in_scope(tree.bob)) == ["Alpha Resellers", "Delta Systems"]
        assert is_in_scope(tree.bob, world.org1) and not is_in_scope(tree.bob, world.org2)
        assert len(partner_orgs_in_scope(tree.alice)) == 4


def test_limited_staff_without_territories_reach_only_their_own_accounts(world, tree):
    scoped_world(world, tree)
    with tenant_scope(world.tenant_a):
        services.territory_unassign_staff(actor_membership=tree.alice, territory=tree.dach, membership=tree.bob)
        services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)

        assert org_names(partner_orgs_in_scope(tree.bob)) == ["Delta Systems"]


def test_a_partner_reaches_its_own_organisation_only(world, tree):
    scoped_world(world, tree)
    with tenant_scope(world.tenant_a):
        pat = Membership.objects.get(user=world.pat)
        assert org_names(partner_orgs_in_scope(pat)) == ["Alpha Resellers"]
