"""A staff member limited to their territories meets the limit wherever partner organisations are listed or opened:
the partner organisation pages, the API and the update service (another organisation is "not found")."""

import pytest
from django.urls import reverse

from prm.accounts import services as account_services
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.territories import services


@pytest.fixture
def limited_bob(world, tree):
    """bob limited to DACH; org1 (Alpha) in DE-South below it, org2 (Beta) in UK&I."""
    with tenant_scope(world.tenant_a):
        services.territory_assign_partner_org(
            actor_membership=tree.alice, territory=tree.de_south, partner_org=world.org1
        )
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.uki, partner_org=world.org2)
        services.territory_assign_staff(actor_membership=tree.alice, territory=tree.dach, membership=tree.bob)
        services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)
    return world.client(world.bob)


def test_the_partner_org_list_shows_a_limited_member_only_their_territories(world, limited_bob):
    body = limited_bob.get(reverse("accounts:partner_org_list")).content.decode()

    assert "Alpha Resellers" in body and "Beta Distribution" not in body
    everything = world.client(world.alice).get(reverse("accounts:partner_org_list")).content.decode()
    assert "Beta Distribution" in everything


def test_a_partner_org_outside_the_territories_is_not_found_on_its_page(world, limited_bob):
    assert limited_bob.get(reverse("accounts:partner_org_detail", args=[world.org1.pk])).status_code == 200
    assert limited_bob.get(reverse("accounts:partner_org_detail", args=[world.org2.pk])).status_code == 404
    assert limited_bob.post(reverse("accounts:partner_org_detail", args=[world.org2.pk])).status_code == 404


def test_the_api_lists_and_opens_only_the_partner_orgs_in_scope(world, limited_bob):
    listed = limited_bob.get("/api/v1/partner-orgs/").json()["results"]

    assert [org["name"] for org in listed] == ["Alpha Resellers"]
    assert limited_bob.get(f"/api/v1/partner-orgs/{world.org2.pk}/").status_code == 404
    patch = limited_bob.patch(
        f"/api/v1/partner-orgs/{world.org2.pk}/", {"name": "Taken"}, content_type="application/json"
    )
    assert patch.status_code == 404


def test_the_update_service_refuses_a_partner_org_outside_the_territories(world, tree, limited_bob):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            account_services.partner_org_update(org=world.org2, actor_membership=tree.bob, name="Taken")
        assert refused.value.code == "forbidden"

        account_services.partner_org_update(org=world.org1, actor_membership=tree.bob, name="Alpha Resellers AG")
