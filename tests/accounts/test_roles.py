"""Roles are checked in one place (prm.accounts.permissions): the navigation offers what the member's predicates
allow, and "a partner admin invites only into his own organisation" is can_invite's rule on the API too (his own
organisation is only the default when he names none)."""

import pytest

from prm.accounts.models import Invitation
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import page_text

API = "/api/v1/invitations/"
LINKS = {"Users": "/users/", "Branding": "/branding/", "Audit log": "/audit/"}


@pytest.mark.parametrize(
    ("who", "offered"),
    [("alice", {"/users/", "/branding/", "/audit/"}), ("bob", {"/users/"}), ("ann", set())],
)
def test_the_vendor_navigation_offers_only_the_pages_the_members_role_may_open(world, analyst, who, offered):
    client = world.client(analyst if who == "ann" else getattr(world, who))
    nav = page_text(client.get("/")).split("<main", 1)[0]

    shown = {url for url in LINKS.values() if f'href="{url}"' in nav}

    assert shown == offered
    for url in LINKS.values():  # and every link shown opens
        assert client.get(url).status_code == (200 if url in offered else 403)


@pytest.mark.parametrize(("who", "offered"), [("pat", True), ("una", False)])
def test_the_partner_navigation_offers_the_users_page_to_partner_admins_only(world, who, offered):
    nav = page_text(world.client(getattr(world, who)).get("/")).split("<main", 1)[0]
    assert ('href="/users/"' in nav) is offered


def test_a_partner_admin_naming_another_organisation_in_the_api_is_refused_not_redirected(world):
    response = world.client(world.pat).post(
        API,
        {"email": "spy@beta.test", "role": "partner_user", "partner_org": str(world.org2.pk)},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    with tenant_scope(world.tenant_a):
        assert not Invitation.objects.exists()


def test_a_partner_admin_naming_no_organisation_in_the_api_invites_into_his_own(world):
    response = world.client(world.pat).post(
        API, {"email": "new@alpha.test", "role": "partner_user"}, content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    with tenant_scope(world.tenant_a):
        assert Invitation.objects.get().partner_org == world.org1
