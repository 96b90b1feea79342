"""The territory services: the rules of the tree and its areas, assignments, limits, audit and roles."""

import pytest

from prm.accounts.models import Membership, Role
from prm.audit.models import AuditEvent
from prm.services import Conflict, DomainError
from prm.tenancy.context import tenant_scope
from prm.territories import services
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit, TerritoryRule
from tests.conftest import make_member


@pytest.mark.parametrize("parent", ["de_south", "dach", "emea"])
def test_a_territory_cannot_be_moved_below_itself(world, tree, parent):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            services.territory_update(actor_membership=tree.alice, territory=tree.emea, parent=getattr(tree, parent))

        assert refused.value.code == "cycle"
        assert Territory.objects.get(pk=tree.emea.pk).parent_id is None


def test_a_territory_moves_below_another_branch(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_update(actor_membership=tree.alice, territory=tree.uki, parent=tree.americas)

        assert Territory.objects.get(pk=tree.uki.pk).parent_id == tree.americas.pk
        event = AuditEvent.objects.get(action="territory.update", object_id=str(tree.uki.pk))
        assert event.before["parent"] == str(tree.emea.pk) and event.after["parent"] == str(tree.americas.pk)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"countries": ["XX"]}, "invalid_country"),
        ({"countries": ["FR"], "postcode_prefixes": {"ES": ["28"]}}, "postcode_prefix_without_country"),
        ({"countries": ["FR"], "postcode_prefixes": {"FR": ["7/5"]}}, "invalid_postcode_prefix"),
        ({"countries": ["FR"], "postcode_prefixes": {"FR": ["12345678901"]}}, "invalid_postcode_prefix"),
        ({"name": " "}, "name_required"),
        ({"name": "France\r\nBcc: x"}, "control_characters"),
        ({"code": "FR FR"}, "invalid_code"),
    ],
)
def test_bad_territories_are_refused(world, tree, fields, code):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            services.territory_create(actor_membership=tree.alice, **{"name": "France", "code": "FR", **fields})

        assert refused.value.code == code
        assert not Territory.objects.filter(code="FR").exists()


@pytest.mark.parametrize(
    ("name", "code", "error"), [("emea-dach", "X", "duplicate_name"), ("X", "dach", "duplicate_code")]
)
def test_names_and_codes_are_unique_whatever_their_case(world, tree, name, code, error):
    with tenant_scope(world.tenant_a), pytest.raises(Conflict) as refused:
        services.territory_create(actor_membership=tree.alice, name=name, code=code)

    assert refused.value.code == error


def test_countries_changed_without_prefixes_keep_the_prefixes_of_the_countries_kept(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_update(actor_membership=tree.alice, territory=tree.dach, countries=["DE", "AT"])
        services.territory_update(actor_membership=tree.alice, territory=tree.de_south, countries=["DE", "LI"])

        areas = sorted(TerritoryRule.objects.filter(territory=tree.de_south).values_list("country", "postcode_prefix"))
        assert areas == [("DE", "7"), ("DE", "8"), ("DE", "9"), ("LI", "")]
        assert sorted(TerritoryRule.objects.filter(territory=tree.dach).values_list("country", flat=True)) == [
            "AT",
            "DE",
        ]


def test_a_territory_with_territories_below_it_is_not_deleted(world, tree):
    with tenant_scope(world.tenant_a):
        with pytest.raises(Conflict) as refused:
            services.territory_delete(actor_membership=tree.alice, territory=tree.dach)

        assert refused.value.code == "has_children"
        assert Territory.objects.filter(pk=tree.dach.pk).exists()


def test_deleting_a_territory_removes_its_areas_and_assignments_and_is_audited(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.uki, partner_org=world.org1)
        services.territory_assign_staff(actor_membership=tree.alice, territory=tree.uki, membership=tree.bob)

        services.territory_delete(actor_membership=tree.alice, territory=tree.uki)

        assert not TerritoryRule.objects.filter(country="GB").exists()
        assert not PartnerOrgTerritory.objects.exists() and not StaffTerritory.objects.exists()
        event = AuditEvent.objects.get(action="territory.delete")
        assert event.before["areas"] == ["GB", "IE"]


def test_assignments_are_audited_and_a_second_one_is_a_conflict(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.dach, partner_org=world.org1)
        with pytest.raises(Conflict) as refused:
            services.territory_assign_partner_org(
                actor_membership=tree.alice, territory=tree.dach, partner_org=world.org1
            )
        assert refused.value.code == "already_assigned"

        services.territory_unassign_partner_org(
            actor_membership=tree.alice, territory=tree.dach, partner_org=world.org1
        )
        with pytest.raises(Conflict):
            services.territory_unassign_partner_org(
                actor_membership=tree.alice, territory=tree.dach, partner_org=world.org1
            )
        actions = list(AuditEvent.objects.filter(object_id=str(tree.dach.pk)).values_list("action", flat=True))
        assert sorted(actions) == ["territory.assign_partner_org", "territory.create", "territory.unassign_partner_org"]


def test_setting_assignments_adds_and_removes_the_difference(world, tree):
    with tenant_scope(world.tenant_a):
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.dach, partner_org=world.org1)

        services.territory_set_assignments(
            actor_membership=tree.alice, territory=tree.dach, partner_orgs=[world.org2], staff=[tree.bob]
        )

        assert list(PartnerOrgTerritory.objects.values_list("partner_org_id", flat=True)) == [world.org2.pk]
        assert list(StaffTerritory.objects.values_list("membership_id", flat=True)) == [tree.bob.pk]


def test_only_vendor_staff_are_assigned_territories_and_limited(world, tree):
    with tenant_scope(world.tenant_a):
        pat = Membership.objects.get(user=world.pat)
        for use_case in (
            lambda: services.territory_assign_staff(actor_membership=tree.alice, territory=tree.dach, membership=pat),
            lambda: services.territory_limit_create(actor_membership=tree.alice, membership=pat),
        ):
            with pytest.raises(DomainError) as refused:
                use_case()
            assert refused.value.code == "not_vendor_staff"


def test_a_vendor_admin_is_not_limited_and_a_limit_is_set_once(world, tree):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            services.territory_limit_create(actor_membership=tree.alice, membership=tree.alice)
        assert refused.value.code == "admin_not_limited"

        limit = services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)
        with pytest.raises(Conflict):
            services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)
        services.territory_limit_delete(actor_membership=tree.alice, limit=limit)

        assert not TerritoryLimit.objects.exists()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"territory_limit.create", "territory_limit.delete"} <= actions


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.PARTNER_ADMIN])
def test_only_vendor_admins_manage_territories(world, tree, role):
    with tenant_scope(world.tenant_a):
        user = make_member(role, world.org1 if role == Role.PARTNER_ADMIN else None)
        actor = Membership.objects.get(user=user)
        use_cases = [
            lambda: services.territory_create(actor_membership=actor, name="France", code="FR", countries=["FR"]),
            lambda: services.territory_update(actor_membership=actor, territory=tree.dach, name="DACH"),
            lambda: services.territory_delete(actor_membership=actor, territory=tree.de_south),
            lambda: services.territory_assign_partner_org(
                actor_membership=actor, territory=tree.dach, partner_org=world.org1
            ),
            lambda: services.territory_assign_staff(actor_membership=actor, territory=tree.dach, membership=tree.bob),
            lambda: services.territory_set_assignments(actor_membership=actor, territory=tree.dach, staff=[]),
            lambda: services.territory_limit_create(actor_membership=actor, membership=tree.bob),
        ]
        for use_case in use_cases:
            with pytest.raises(DomainError) as refused:
                use_case()
            assert refused.value.code == "forbidden"
        assert Territory.objects.count() == 6 and not TerritoryLimit.objects.exists()
