"""/api/v1/territories/ and /api/v1/territory-limits/: the contract's answers for good and bad input, roles."""

import pytest

from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, Territory, TerritoryLimit

URL = "/api/v1/territories/"
FR_75_SPACED = {"country": "FR", "prefix": "7 5"}
ES_28 = {"country": "ES", "prefix": "28"}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_a_vendor_admin_creates_a_territory_with_areas_and_assignments(world, tree):
    body = {
        "name": "France",
        "code": "FR",
        "parent": str(tree.emea.pk),
        "countries": ["FR", "MC"],
        "postcode_prefixes": [{"country": "FR", "prefix": "75"}, {"country": "FR", "prefix": "2a"}],
        "partner_orgs": [str(world.org2.pk)],
        "staff": [str(tree.bob.pk)],
    }
    response = post(world.client(world.alice), URL, body)

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["countries"] == ["FR", "MC"]
    assert answer["postcode_prefixes"] == [{"country": "FR", "prefix": "2A"}, {"country": "FR", "prefix": "75"}]
    assert answer["partner_orgs"] == [str(world.org2.pk)] and answer["staff"] == [str(tree.bob.pk)]
    with tenant_scope(world.tenant_a):
        assert PartnerOrgTerritory.objects.filter(partner_org=world.org2).exists()
        assert AuditEvent.objects.filter(action="territory.assign_staff").exists()


def test_patch_replaces_the_assignments_and_keeps_what_it_does_not_name(world, tree):
    alice = world.client(world.alice)
    url = f"{URL}{tree.de_south.pk}/"
    patch(alice, url, {"partner_orgs": [str(world.org1.pk), str(world.org2.pk)]})

    response = patch(alice, url, {"partner_orgs": [str(world.org1.pk)], "countries": ["DE"]})

    assert response.status_code == 200, response.json()
    assert response.json()["partner_orgs"] == [str(world.org1.pk)]
    assert [area["prefix"] for area in response.json()["postcode_prefixes"]] == ["7", "8", "9"]


def test_a_patch_sends_each_postcode_area_whole_and_an_incomplete_one_changes_nothing(world, tree):
    url = f"{URL}{tree.de_south.pk}/"

    response = patch(world.client(world.alice), url, {"postcode_prefixes": [{"country": "DE"}]})

    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {"postcode_prefixes": {"0": {"prefix": ["This field is required."]}}}
    with tenant_scope(world.tenant_a):
        assert Territory.objects.get(pk=tree.de_south.pk).postcode_prefixes == {"DE": ["7", "8", "9"]}


def test_the_match_lookup_answers_the_most_specific_territory_first(world, tree):
    response = world.client(world.bob).get(f"{URL}match/", {"country": "DE", "postcode": "70173"})

    assert response.status_code == 200
    assert [t["code"] for t in response.json()] == ["DE-S", "DACH", "EMEA"]
    assert world.client(world.bob).get(f"{URL}match/", {"country": "FR"}).json() == []


@pytest.mark.parametrize(
    "query",
    [{}, {"country": "de"}, {"country": "XX"}, {"country": "DE", "postcode": "7/0"}, {"country": "DE", "zip": "7"}],
)
def test_the_match_lookup_refuses_bad_parameters_with_400(world, tree, query):
    response = world.client(world.bob).get(f"{URL}match/", query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "X", "code": "X", "countries": ["de"]}, 400, "invalid"),
        ({"name": "X", "code": "X Y"}, 400, "invalid"),
        ({"name": "X", "code": "X", "countries": ["FR"], "postcode_prefixes": [FR_75_SPACED]}, 400, "invalid"),
        ({"name": "X", "code": "X", "partner_orgs": [5]}, 400, "invalid"),
        ({"name": "X", "code": "X", "partner_orgs": ["8c7f3c62-1f7e-4c55-9d55-000000000000"]}, 422, "unprocessable"),
        ({"name": "X", "code": "X", "staff": ["not-an-id"]}, 400, "invalid"),
        ({"name": "X", "code": "X", "colour": "red"}, 400, "invalid"),
        ({"name": "X", "code": "X", "countries": ["FR"], "postcode_prefixes": [ES_28]},
         422, "postcode_prefix_without_country"),
        ({"name": "X", "code": "X", "countries": ["DE"]}, 409, "area_taken"),
        ({"name": "emea", "code": "X"}, 409, "duplicate_name"),
        ({"name": "X", "code": "emea"}, 409, "duplicate_code"),
    ],
)  # fmt: skip
def test_bad_bodies_get_the_contract_answers(world, tree, body, status, code):
    response = post(world.client(world.alice), URL, body)

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    with tenant_scope(world.tenant_a):
        assert not Territory.objects.filter(code="X").exists()


def test_a_partner_staff_member_is_not_assigned_and_the_request_changes_nothing(world, tree):
    with tenant_scope(world.tenant_a):
        from prm.accounts.models import Membership

        pat = Membership.objects.get(user=world.pat)
    response = post(world.client(world.alice), URL, {"name": "X", "code": "X", "staff": [str(pat.pk)]})

    assert response.status_code == 422
    with tenant_scope(world.tenant_a):
        assert not Territory.objects.filter(code="X").exists()


def test_a_cycle_is_refused_with_422(world, tree):
    response = patch(world.client(world.alice), f"{URL}{tree.emea.pk}/", {"parent": str(tree.de_south.pk)})

    assert response.status_code == 422 and response.json()["code"] == "cycle"


def test_delete_refuses_a_territory_with_children_and_deletes_a_leaf(world, tree):
    alice = world.client(world.alice)

    assert alice.delete(f"{URL}{tree.dach.pk}/").status_code == 409
    assert alice.delete(f"{URL}{tree.de_south.pk}/").status_code == 204


def test_staff_read_and_only_vendor_admins_write(world, tree):
    assert world.client(world.bob).get(URL).status_code == 200
    assert post(world.client(world.bob), URL, {"name": "X", "code": "X"}).status_code == 403
    assert world.client(world.bob).delete(f"{URL}{tree.de_south.pk}/").status_code == 403
    assert world.client(world.pat).get(URL).status_code == 403
    assert world.client(world.pat).get(f"{URL}match/", {"country": "DE"}).status_code == 403


def test_another_tenants_territory_is_not_found(world, tree):
    charlie = world.client(world.charlie)

    assert charlie.get(f"{URL}{tree.dach.pk}/").status_code == 404
    assert post(charlie, URL, {"name": "X", "code": "X", "parent": str(tree.dach.pk)}).status_code == 422


def test_a_limit_is_created_and_lifted_through_the_api(world, tree):
    alice = world.client(world.alice)
    created = post(alice, "/api/v1/territory-limits/", {"membership": str(tree.bob.pk)})
    assert created.status_code == 201
    assert post(alice, "/api/v1/territory-limits/", {"membership": str(tree.bob.pk)}).status_code == 409
    assert post(alice, "/api/v1/territory-limits/", {"membership": str(tree.alice.pk)}).status_code == 422

    assert alice.delete(f"/api/v1/territory-limits/{created.json()['id']}/").status_code == 204
    with tenant_scope(world.tenant_a):
        assert not TerritoryLimit.objects.exists()
