"""Removing a person's access (deactivating their membership): only with a reason, never the portal's last
active vendor admin, by a partner admin only within his own organisation, revoking the person's API tokens;
on the page and through POST /api/v1/users/<id>/deactivate/."""

import pytest
from django.db import connection

from prm.accounts.models import ApiToken, Membership, Role
from prm.accounts.services import api_token_create, membership_deactivate
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import membership_of, page_text
from tests.conftest import make_member

API = "/api/v1/users/"


def _is_active(user, tenant):
    return membership_of(user, tenant).is_active


def _deactivations(tenant):
    with tenant_scope(tenant):
        return list(AuditEvent.objects.filter(action="membership.deactivate"))


@pytest.fixture
def second_admin(world):
    with tenant_scope(world.tenant_a):
        return make_member(Role.VENDOR_ADMIN, email="vera@acme.test")


# --- a reason is required ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_removing_access_on_the_page_requires_a_reason(world, reason):
    una = membership_of(world.una, world.tenant_a)

    response = world.client(world.alice).post(f"/users/{una.pk}/deactivate/", {"reason": reason})

    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    assert _is_active(world.una, world.tenant_a)
    assert _deactivations(world.tenant_a) == []


def test_the_service_refuses_to_remove_access_without_a_reason(world):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        membership_deactivate(
            membership=membership_of(world.una, world.tenant_a),
            actor_membership=membership_of(world.alice, world.tenant_a),
            reason="  ",
        )

    assert refused.value.code == "reason_required"
    assert _is_active(world.una, world.tenant_a)


def test_removing_access_with_a_reason_deactivates_and_is_audited(world):
    una = membership_of(world.una, world.tenant_a)

    response = world.client(world.alice).post(f"/users/{una.pk}/deactivate/", {"reason": "Left Alpha"})

    assert response.status_code == 302
    assert response["Location"] == "/users/"
    assert not _is_active(world.una, world.tenant_a)
    [event] = _deactivations(world.tenant_a)
    assert (event.actor, event.object_id, event.reason) == (world.alice, str(una.pk), "Left Alpha")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


# --- the last vendor admin ---------------------------------------------------------------------------------


def test_the_last_active_vendor_admin_cannot_be_removed(world, second_admin):
    # The two admins remove each other at the same moment: each request loaded its own membership first.
    alice_request = membership_of(world.alice, world.tenant_a)
    vera_request = membership_of(second_admin, world.tenant_a)
    with tenant_scope(world.tenant_a):
        membership_deactivate(
            membership=membership_of(second_admin, world.tenant_a),
            actor_membership=alice_request,
            reason="Duplicate account",
        )

        # The second removal must not leave the portal without an admin.
        with pytest.raises(DomainError) as refused:
            membership_deactivate(
                membership=membership_of(world.alice, world.tenant_a), actor_membership=vera_request, reason="Takeover"
            )

    assert refused.value.code == "last_admin"
    assert refused.value.message == "The portal must keep at least one active vendor admin."
    assert _is_active(world.alice, world.tenant_a)
    with tenant_scope(world.tenant_a):
        assert Membership.objects.filter(role=Role.VENDOR_ADMIN, is_active=True).count() == 1


def test_one_of_two_vendor_admins_can_be_removed(world, second_admin):
    vera = membership_of(second_admin, world.tenant_a)

    response = world.client(world.alice).post(f"/users/{vera.pk}/deactivate/", {"reason": "Duplicate account"})

    assert response.status_code == 302
    assert not _is_active(second_admin, world.tenant_a)


def test_the_page_shows_the_last_admin_message_when_the_other_admin_was_removed_meanwhile(world, second_admin):
    alice = membership_of(world.alice, world.tenant_a)
    vera = membership_of(second_admin, world.tenant_a)
    client = world.client(second_admin)
    fired = []

    def alice_removes_vera_meanwhile(execute, sql, params, many, context):
        # Vera's request has passed its permission checks when alice's removal of vera lands, just before the
        # service locks the remaining admins: what a transaction waiting on that lock sees once alice commits.
        if "FOR UPDATE" in sql and not fired:
            fired.append(sql)
            membership_deactivate(membership=vera, actor_membership=alice, reason="Duplicate account")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(alice_removes_vera_meanwhile):
        response = client.post(f"/users/{alice.pk}/deactivate/", {"reason": "Takeover"})

    assert fired
    assert response.status_code == 400
    assert "The portal must keep at least one active vendor admin." in page_text(response)
    assert _is_active(world.alice, world.tenant_a)
    # (alice's removal of vera ran inside vera's refused transaction here, so it was rolled back with it.)


def test_nobody_removes_their_own_access(world):
    alice = membership_of(world.alice, world.tenant_a)

    response = world.client(world.alice).post(f"/users/{alice.pk}/deactivate/", {"reason": "Bye"})

    assert response.status_code == 403
    assert _is_active(world.alice, world.tenant_a)


# --- partner admins ----------------------------------------------------------------------------------------


def test_a_partner_admin_removes_a_user_of_his_own_organisation(world):
    una = membership_of(world.una, world.tenant_a)
    client = world.client(world.pat)

    assert client.get(f"/users/{una.pk}/deactivate/").status_code == 200
    response = client.post(f"/users/{una.pk}/deactivate/", {"reason": "Left Alpha"})

    assert response.status_code == 302
    assert not _is_active(world.una, world.tenant_a)
    assert _deactivations(world.tenant_a)[0].actor == world.pat


@pytest.mark.parametrize("target", ["otto", "alice", "bob"])
def test_a_partner_admin_gets_404_for_a_user_outside_his_organisation(world, target):
    user = getattr(world, target)
    membership = membership_of(user, world.tenant_a)
    client = world.client(world.pat)

    assert client.get(f"/users/{membership.pk}/deactivate/").status_code == 404
    assert client.post(f"/users/{membership.pk}/deactivate/", {"reason": "Because"}).status_code == 404
    api = client.post(f"{API}{membership.pk}/deactivate/", {"reason": "Because"}, content_type="application/json")
    assert api.status_code == 404
    assert user.email not in api.content.decode()
    assert _is_active(user, world.tenant_a)
    assert _deactivations(world.tenant_a) == []


def test_the_service_refuses_a_partner_admin_removing_another_organisations_user(world):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        membership_deactivate(
            membership=membership_of(world.otto, world.tenant_a),
            actor_membership=membership_of(world.pat, world.tenant_a),
            reason="Because",
        )

    assert refused.value.code == "forbidden"
    assert _is_active(world.otto, world.tenant_a)


def test_a_channel_manager_may_remove_partner_users_but_not_vendor_staff(world):
    client = world.client(world.bob)
    alice = membership_of(world.alice, world.tenant_a)
    una = membership_of(world.una, world.tenant_a)

    refused = client.post(f"/users/{alice.pk}/deactivate/", {"reason": "Because"})
    allowed = client.post(f"/users/{una.pk}/deactivate/", {"reason": "Left Alpha"})

    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert _is_active(world.alice, world.tenant_a)
    assert not _is_active(world.una, world.tenant_a)


def test_an_analyst_cannot_remove_anyone(world, analyst):
    una = membership_of(world.una, world.tenant_a)
    client = world.client(analyst)

    assert client.post(f"/users/{una.pk}/deactivate/", {"reason": "Because"}).status_code == 403
    api = client.post(f"{API}{una.pk}/deactivate/", {"reason": "Because"}, content_type="application/json")
    assert api.status_code == 403
    assert _is_active(world.una, world.tenant_a)


# --- API tokens --------------------------------------------------------------------------------------------


def test_removing_access_revokes_the_users_api_tokens(world):
    with tenant_scope(world.tenant_a):
        _una_token, una_key = api_token_create(user=world.una, name="CRM sync")
        _second, second_key = api_token_create(user=world.una, name="Reports")
        _pat_token, pat_key = api_token_create(user=world.pat, name="Pat's sync")
    api = world.client(None)
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {una_key}").status_code == 200

    response = world.client(world.pat).post(
        f"/users/{membership_of(world.una, world.tenant_a).pk}/deactivate/", {"reason": "Left Alpha"}
    )

    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        assert not ApiToken.objects.filter(user=world.una, revoked_at__isnull=True).exists()
        assert ApiToken.objects.filter(user=world.pat, revoked_at__isnull=True).count() == 1
    for key in (una_key, second_key):
        refused = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
        assert refused.status_code == 401
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {pat_key}").status_code == 200


# --- the API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "This field is required."),
        ({"reason": ""}, "This field may not be blank."),
        ({"reason": "  "}, "This field may not be blank."),
    ],
    ids=["no-reason", "empty-reason", "blank-reason"],
)
def test_the_api_refuses_to_deactivate_without_a_reason(world, body, message):
    una = membership_of(world.una, world.tenant_a)

    response = world.client(world.alice).post(f"{API}{una.pk}/deactivate/", body, content_type="application/json")

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert data["errors"] == {"reason": [message]}
    assert _is_active(world.una, world.tenant_a)
    assert _deactivations(world.tenant_a) == []


def test_the_api_deactivates_with_a_reason(world):
    una = membership_of(world.una, world.tenant_a)

    response = world.client(world.pat).post(
        f"{API}{una.pk}/deactivate/", {"reason": "Left Alpha"}, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["email"], body["is_active"]) == (str(una.pk), "una@alpha.test", False)
    assert not _is_active(world.una, world.tenant_a)
    [event] = _deactivations(world.tenant_a)
    assert (event.actor, event.reason) == (world.pat, "Left Alpha")


def test_the_api_refuses_to_remove_the_callers_own_access(world):
    alice = membership_of(world.alice, world.tenant_a)

    response = world.client(world.alice).post(
        f"{API}{alice.pk}/deactivate/", {"reason": "Bye"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert _is_active(world.alice, world.tenant_a)


def _remove_access_links(world, viewer):
    """The memberships whose row on the users page offers "Remove access" to `viewer`."""
    html = world.client(viewer).get("/users/").content.decode()
    with tenant_scope(world.tenant_a):
        return {m.user for m in Membership.objects.all() if f"/users/{m.pk}/deactivate/" in html}


def test_the_users_page_offers_remove_access_only_on_rows_the_viewer_may_change(world):
    assert _remove_access_links(world, world.bob) == {world.pat, world.una, world.otto}  # partner users only
    assert _remove_access_links(world, world.pat) == {world.una}  # its own organisation, not itself
    assert world.bob in _remove_access_links(world, world.alice)  # a vendor admin changes anyone but themselves
    assert world.alice not in _remove_access_links(world, world.alice)
