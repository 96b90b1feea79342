"""A partner organisation's status: `partner_org_deactivate` switches off its active users and marks them,
`partner_org_reactivate` switches on exactly those (not the users removed one by one, before or meanwhile); both
need a reason, both are audited, on the page and through PATCH /api/v1/partner-orgs/<id>/ alike. The page says
what the change will do before it is saved; partners and other tenants cannot do it."""

import pytest

from prm.accounts.models import Membership, PartnerOrg, Role
from prm.accounts.services import (
    api_token_create,
    membership_deactivate,
    partner_org_deactivate,
    partner_org_reactivate,
)
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import membership_of, page_text
from tests.conftest import make_member

API = "/api/v1/partner-orgs/"


@pytest.fixture
def ivy(world):
    """A third user of org1 (Alpha Resellers), next to pat and una."""
    with tenant_scope(world.tenant_a):
        return make_member(Role.PARTNER_USER, world.org1, email="ivy@alpha.test")


def _page_data(org, **overrides):
    return {"name": org.name, "partner_type": org.partner_type, "country": org.country, "status": org.status} | (
        overrides
    )


def _status(org, tenant):
    with tenant_scope(tenant):
        return PartnerOrg.objects.get(pk=org.pk).status


def _active_users(org, tenant):
    with tenant_scope(tenant):
        return set(Membership.objects.filter(partner_org=org, is_active=True).values_list("user__email", flat=True))


def _events(tenant, prefix):
    with tenant_scope(tenant):
        return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("created_at"))


def _set_inactive_with_users(world, *, reason="Contract ended"):
    with tenant_scope(world.tenant_a):
        partner_org_deactivate(
            actor_membership=membership_of(world.alice, world.tenant_a), partner_org=world.org1, reason=reason
        )


# --- a reason is required ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_deactivating_without_a_reason_is_refused_on_the_page_and_the_api_and_changes_nothing(world, reason):
    page = world.client(world.alice).post(
        f"/partner-orgs/{world.org1.pk}/", _page_data(world.org1, status="inactive", reason=reason)
    )
    api = world.client(world.alice).patch(
        f"{API}{world.org1.pk}/", {"status": "inactive", "reason": reason}, content_type="application/json"
    )

    assert page.status_code == 400
    assert "Say why (the reason is kept in the audit log)." in page_text(page)
    assert (api.status_code, api.json()["code"]) == (422, "reason_required")
    assert _status(world.org1, world.tenant_a) == "active"
    assert _active_users(world.org1, world.tenant_a) == {"pat@alpha.test", "una@alpha.test"}
    assert _events(world.tenant_a, "") == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_reactivating_without_a_reason_is_refused_on_the_page_and_the_api_and_changes_nothing(world, reason):
    _set_inactive_with_users(world)
    events_before = len(_events(world.tenant_a, ""))

    page = world.client(world.alice).post(
        f"/partner-orgs/{world.org1.pk}/", _page_data(world.org1, status="active", reason=reason)
    )
    api = world.client(world.alice).patch(
        f"{API}{world.org1.pk}/", {"status": "active", "reason": reason}, content_type="application/json"
    )

    assert page.status_code == 400
    assert "Say why (the reason is kept in the audit log)." in page_text(page)
    assert (api.status_code, api.json()["code"]) == (422, "reason_required")
    assert _status(world.org1, world.tenant_a) == "inactive"
    assert _active_users(world.org1, world.tenant_a) == set()
    assert len(_events(world.tenant_a, "")) == events_before


# --- what deactivation and reactivation do -------------------------------------------------------------------


def test_the_page_says_what_deactivating_and_reactivating_will_do_before_it_is_saved(world, ivy):
    client = world.client(world.bob)

    before = page_text(client.get(f"/partner-orgs/{world.org1.pk}/"))
    _set_inactive_with_users(world)
    after = page_text(client.get(f"/partner-orgs/{world.org1.pk}/"))

    assert (
        "Deactivating Alpha Resellers switches off its 3 active users; they can sign in again when it is reactivated."
        in before
    )
    assert (
        "Reactivating Alpha Resellers lets the 3 users its deactivation switched off sign in again; users whose "
        "access was removed one by one stay removed." in after
    )
    assert "switched off with the organisation" in after


def test_deactivating_on_the_page_switches_off_the_orgs_users_only_and_signs_them_out(world):
    una_client = world.client(world.una)
    assert una_client.get("/").status_code == 200

    response = world.client(world.bob).post(
        f"/partner-orgs/{world.org1.pk}/", _page_data(world.org1, status="inactive", reason="Contract ended")
    )

    assert response.status_code == 302
    assert _status(world.org1, world.tenant_a) == "inactive"
    assert _active_users(world.org1, world.tenant_a) == set()
    assert _active_users(world.org2, world.tenant_a) == {"otto@beta.test"}
    assert membership_of(world.una, world.tenant_a).deactivated_with_org
    assert una_client.get("/").status_code == 302  # signed out: to the sign-in page


def test_a_switched_off_users_api_token_is_refused_until_the_org_is_reactivated(world):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=world.una, name="CRM sync")
    api = world.client(None)

    _set_inactive_with_users(world)
    refused = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    response = world.client(world.alice).patch(
        f"{API}{world.org1.pk}/", {"status": "active", "reason": "Contract renewed"}, content_type="application/json"
    )
    accepted = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200, response.json()
    assert (refused.status_code, accepted.status_code) == (401, 200)


def test_reactivating_restores_only_the_users_the_deactivation_switched_off(world, ivy):
    alice = membership_of(world.alice, world.tenant_a)
    with tenant_scope(world.tenant_a):
        membership_deactivate(membership=membership_of(ivy, world.tenant_a), actor_membership=alice, reason="Left")
    _set_inactive_with_users(world)
    with tenant_scope(world.tenant_a):  # removed one by one while the organisation is inactive
        membership_deactivate(
            membership=membership_of(world.una, world.tenant_a), actor_membership=alice, reason="Left"
        )

    response = world.client(world.alice).patch(
        f"{API}{world.org1.pk}/", {"status": "active", "reason": "Contract renewed"}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    assert _active_users(world.org1, world.tenant_a) == {"pat@alpha.test"}
    with tenant_scope(world.tenant_a):
        assert not Membership.objects.filter(deactivated_with_org=True).exists()


def test_the_services_answer_the_memberships_they_switched(world, ivy):
    alice = membership_of(world.alice, world.tenant_a)
    with tenant_scope(world.tenant_a):
        membership_deactivate(membership=membership_of(ivy, world.tenant_a), actor_membership=alice, reason="Left")
        org, switched_off = partner_org_deactivate(actor_membership=alice, partner_org=world.org1, reason="Ended")
        org, switched_on = partner_org_reactivate(actor_membership=alice, partner_org=org, reason="Renewed")

    assert org.status == "active"
    assert (
        {m.user.email for m in switched_off}
        == {m.user.email for m in switched_on}
        == {
            "pat@alpha.test",
            "una@alpha.test",
        }
    )


# --- audit ---------------------------------------------------------------------------------------------------


def test_deactivation_and_reactivation_are_audited_with_their_reason(world):
    pat, una = membership_of(world.pat, world.tenant_a), membership_of(world.una, world.tenant_a)

    world.client(world.bob).patch(
        f"{API}{world.org1.pk}/", {"status": "inactive", "reason": "Contract ended"}, content_type="application/json"
    )
    world.client(world.alice).post(
        f"/partner-orgs/{world.org1.pk}/",
        _page_data(world.org1, status="active", reason="Contract renewed"),
    )

    org_events = _events(world.tenant_a, "partner_org.")
    assert [(e.action, e.actor, e.object_id, e.reason, e.before, e.after) for e in org_events] == [
        (
            "partner_org.status_change",
            world.bob,
            str(world.org1.pk),
            "Contract ended",
            {"status": "active"},
            {"status": "inactive", "transition": "deactivate"},
        ),
        (
            "partner_org.status_change",
            world.alice,
            str(world.org1.pk),
            "Contract renewed",
            {"status": "inactive"},
            {"status": "active", "transition": "reactivate"},
        ),
    ]
    user_events = _events(world.tenant_a, "membership.")
    assert sorted(
        (e.action, e.actor.email, e.object_id, e.reason, e.after["is_active"]) for e in user_events
    ) == sorted(
        [
            ("membership.deactivate", "bob@acme.test", str(pat.pk), "Contract ended", False),
            ("membership.deactivate", "bob@acme.test", str(una.pk), "Contract ended", False),
            ("membership.reactivate", "alice@acme.test", str(pat.pk), "Contract renewed", True),
            ("membership.reactivate", "alice@acme.test", str(una.pk), "Contract renewed", True),
        ]
    )
    assert all(e.after["with_partner_org"] for e in user_events)


# --- who may -------------------------------------------------------------------------------------------------


def test_a_partner_admin_cannot_change_an_orgs_status_on_the_page_the_api_or_the_service(world):
    client = world.client(world.pat)
    page = client.post(f"/partner-orgs/{world.org1.pk}/", _page_data(world.org1, status="inactive", reason="Bye"))
    api = client.patch(
        f"{API}{world.org1.pk}/", {"status": "inactive", "reason": "Bye"}, content_type="application/json"
    )
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        partner_org_deactivate(
            actor_membership=membership_of(world.pat, world.tenant_a), partner_org=world.org1, reason="Bye"
        )

    assert (page.status_code, api.status_code) == (403, 403)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert _status(world.org1, world.tenant_a) == "active"
    assert _active_users(world.org1, world.tenant_a) == {"pat@alpha.test", "una@alpha.test"}
    assert _events(world.tenant_a, "") == []


def test_another_tenants_org_is_not_found_on_the_page_or_the_api(world):
    client = world.client(world.charlie)  # tenant B's vendor admin, on tenant B's host
    page = client.post(f"/partner-orgs/{world.org1.pk}/", _page_data(world.org1, status="inactive", reason="Bye"))
    api = client.patch(
        f"{API}{world.org1.pk}/", {"status": "inactive", "reason": "Bye"}, content_type="application/json"
    )

    assert (page.status_code, api.status_code) == (404, 404)
    assert _status(world.org1, world.tenant_a) == "active"
    assert _active_users(world.org1, world.tenant_a) == {"pat@alpha.test", "una@alpha.test"}
    assert _events(world.tenant_a, "") == [] == _events(world.tenant_b, "")
