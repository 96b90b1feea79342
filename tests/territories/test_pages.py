"""The territory pages: the tree, create and edit with countries and postcode prefixes, assignments, limits."""

import html

from django.urls import reverse

from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit, TerritoryRule


def text(response):
    return html.unescape(response.content.decode())


def test_the_list_shows_the_tree_and_the_nav_links_to_it_for_vendor_admins(world, tree):
    response = world.client(world.alice).get(reverse("territories:territory_list"))

    body = text(response)
    assert response.status_code == 200
    assert body.index("EMEA-DACH") < body.index("DE-South") < body.index("UK&I")
    assert "DE: 7, 8, 9" in body
    assert reverse("territories:territory_list") in text(world.client(world.alice).get(reverse("portal:home")))


def test_a_vendor_admin_creates_a_territory_with_countries_and_prefixes(world, tree):
    response = world.client(world.alice).post(
        reverse("territories:territory_create"),
        {"name": "France", "code": "FR", "parent": tree.emea.pk, "countries": ["FR", "MC"],
         "postcode_prefixes": "FR: 75, 2a\n"},
    )  # fmt: skip

    with tenant_scope(world.tenant_a):
        france = Territory.objects.get(code="FR")
        assert response.status_code == 302 and response["Location"] == reverse(
            "territories:territory_detail", args=[france.pk]
        )
        areas = sorted(TerritoryRule.objects.filter(territory=france).values_list("country", "postcode_prefix"))
        assert areas == [("FR", "2A"), ("FR", "75"), ("MC", "")]
        assert france.parent_id == tree.emea.pk


def test_bad_input_on_the_form_is_shown_and_nothing_is_stored(world, tree):
    alice = world.client(world.alice)
    url = reverse("territories:territory_create")
    cases = [
        ({"name": "France", "code": "FR", "countries": ["FR"], "postcode_prefixes": "75, 92"}, "DE: 7, 8, 9"),
        ({"name": "France", "code": "FR", "countries": ["FR"], "postcode_prefixes": "ES: 28"}, "add the country"),
        ({"name": "France", "code": "FR", "countries": ["DE"]}, "belongs to the territory EMEA-DACH"),
        ({"name": "France", "code": "FR", "countries": ["XX"]}, "XX"),
        ({"name": "emea", "code": "FR"}, "exists already"),
    ]
    for data, message in cases:
        response = alice.post(url, data)
        assert response.status_code == 400, data
        assert message in text(response), data
    with tenant_scope(world.tenant_a):
        assert not Territory.objects.filter(code="FR").exists()


def test_moving_a_territory_below_itself_is_refused_on_its_page(world, tree):
    response = world.client(world.alice).post(
        reverse("territories:territory_detail", args=[tree.emea.pk]),
        {"name": "EMEA", "code": "EMEA", "parent": tree.de_south.pk},
    )

    assert response.status_code == 400 and "cycle" in text(response)
    with tenant_scope(world.tenant_a):
        assert Territory.objects.get(pk=tree.emea.pk).parent_id is None


def test_assignments_and_limits_are_made_from_the_pages(world, tree):
    alice = world.client(world.alice)
    alice.post(reverse("territories:territory_partner_orgs", args=[tree.dach.pk]), {"partner_org": world.org1.pk})
    alice.post(reverse("territories:territory_staff", args=[tree.dach.pk]), {"membership": tree.bob.pk})
    alice.post(reverse("territories:territory_limit_create"), {"membership": tree.bob.pk})

    with tenant_scope(world.tenant_a):
        assert PartnerOrgTerritory.objects.filter(territory=tree.dach, partner_org=world.org1).exists()
        assert StaffTerritory.objects.filter(territory=tree.dach, membership=tree.bob).exists()
        limit = TerritoryLimit.objects.get(membership=tree.bob)
    page = text(alice.get(reverse("territories:territory_detail", args=[tree.dach.pk])))
    assert "Alpha Resellers" in page and str(world.bob) in page

    again = alice.post(reverse("territories:territory_limit_create"), {"membership": tree.bob.pk}, follow=True)
    assert "already" in text(again)
    alice.post(
        reverse("territories:territory_partner_orgs", args=[tree.dach.pk]),
        {"partner_org": world.org1.pk, "remove": "1"},
    )
    alice.post(reverse("territories:territory_limit_delete", args=[limit.pk]))
    with tenant_scope(world.tenant_a):
        assert not PartnerOrgTerritory.objects.exists() and not TerritoryLimit.objects.exists()


def test_deleting_a_territory_with_children_is_refused_with_a_message(world, tree):
    response = world.client(world.alice).post(reverse("territories:territory_delete", args=[tree.dach.pk]), follow=True)

    assert "below it" in text(response)
    with tenant_scope(world.tenant_a):
        assert Territory.objects.filter(pk=tree.dach.pk).exists()


def test_staff_read_the_pages_and_only_vendor_admins_change_them(world, tree):
    bob, pat = world.client(world.bob), world.client(world.pat)
    detail = reverse("territories:territory_detail", args=[tree.dach.pk])

    assert bob.get(reverse("territories:territory_list")).status_code == 200
    assert bob.get(detail).status_code == 200
    assert bob.post(detail, {"name": "X", "code": "X"}).status_code == 403
    assert bob.get(reverse("territories:territory_create")).status_code == 403
    assert bob.post(reverse("territories:territory_limit_create"), {"membership": tree.bob.pk}).status_code == 403
    assert pat.get(reverse("territories:territory_list")).status_code == 403
    with tenant_scope(world.tenant_a):
        assert Territory.objects.get(pk=tree.dach.pk).name == "EMEA-DACH" and not TerritoryLimit.objects.exists()


def test_a_limited_member_sees_only_the_partner_orgs_of_a_territory_in_their_scope(world, tree):
    alice = world.client(world.alice)
    for org in (world.org1, world.org2):
        alice.post(reverse("territories:territory_partner_orgs", args=[tree.uki.pk]), {"partner_org": org.pk})
    with tenant_scope(world.tenant_a):
        world.org1.channel_manager = tree.bob
        world.org1.save()
    alice.post(reverse("territories:territory_limit_create"), {"membership": tree.bob.pk})

    page = text(world.client(world.bob).get(reverse("territories:territory_detail", args=[tree.uki.pk])))

    assert "Alpha Resellers" in page and "Beta Distribution" not in page
