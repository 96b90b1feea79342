"""The demo vendors' territories: a tree, partner organisations assigned by country, a limited channel manager."""

from prm.accounts.models import Membership
from prm.portal.demo import seed_demo
from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, Territory
from prm.territories.selectors import partner_orgs_in_scope, territories_for


def test_each_demo_vendor_has_a_tree_assigned_partners_and_a_limited_channel_manager(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tenants = {tenant.slug: tenant for tenant in seed_demo()}

    with tenant_scope(tenants["acme"]):
        assert [t.name for t in territories_for("DE", "80331")] == ["DE-South", "EMEA-DACH", "EMEA"]
        assert Territory.objects.count() == 9 and PartnerOrgTerritory.objects.count() == 12
        limited = Membership.objects.get(user__email="cm.emea@acme.test")
        in_scope = {org.name for org in partner_orgs_in_scope(limited)}
        assert "Contoso Resellers" in in_scope  # GB: UK&I, below EMEA
        assert "Woodgrove Solutions" not in in_scope  # CA: North America, managed by the other channel manager
    with tenant_scope(tenants["globex"]):
        assert [t.code for t in territories_for("DE", "50667")] == ["DE-WEST", "DACH", "EU"]
        limited = Membership.objects.get(user__email="cm.dach@globex.test")
        in_scope = {org.name for org in partner_orgs_in_scope(limited)}
        assert "Alpine Data" in in_scope and "Baltic Distribution" not in in_scope  # AT: DACH; LT: Nordics
