"""Password reset: a portal resets the passwords of its own members only. Anyone else gets the same answer and
no e-mail; a reset key made for someone who is not a member of this portal is an invalid link here. A person
with memberships in two portals has one password, reset from either of them."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client

from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import sign_in
from tests.conftest import host_of
from tests.factories import PASSWORD, MembershipFactory

NEW_PASSWORD = "sturdy-otter-lamp-42"
RESET_LINK = re.compile(r"http://(?P<host>[a-z.]+)(?P<path>/accounts/password/reset/key/[^/\s]+/)")


def _request_reset(tenant, email):
    return Client().post("/accounts/password/reset/", {"email": email}, HTTP_HOST=host_of(tenant))


def _set_password_with(link_path, tenant, password=NEW_PASSWORD):
    client = Client(HTTP_HOST=host_of(tenant))
    opened = client.get(link_path)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"password1": password, "password2": password})


def _key_for(user):
    return f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}/"


def test_a_member_asking_on_her_portal_gets_a_reset_link_for_that_portal_and_it_sets_the_password(world, mailoutbox):
    response = _request_reset(world.tenant_a, "Alice@Acme.test")

    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["alice@acme.test"]
    link = RESET_LINK.search(message.body)
    assert link["host"] == "acme.localhost"
    done = _set_password_with(link["path"], world.tenant_a)
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("email", ["charlie@globex.test", "nobody@nowhere.test"])
def test_another_portals_user_or_an_unknown_address_gets_the_same_answer_and_no_email(world, mailoutbox, email):
    member = _request_reset(world.tenant_a, "alice@acme.test")
    mailoutbox.clear()

    response = _request_reset(world.tenant_a, email)

    assert (response.status_code, response["Location"]) == (member.status_code, member["Location"])
    assert mailoutbox == []


def test_a_reset_key_of_a_user_who_is_no_member_of_this_portal_is_an_invalid_link_here(world):
    response = _set_password_with(_key_for(world.charlie), world.tenant_a)

    assert response.status_code == 200
    assert response.context["token_fail"] is True
    world.charlie.refresh_from_db()
    assert world.charlie.check_password(PASSWORD)
    # The same key works on the portal he belongs to.
    assert _set_password_with(_key_for(world.charlie), world.tenant_b).status_code == 302


def test_a_person_in_two_portals_resets_one_password_from_either_and_signs_in_on_both(world, mailoutbox):
    with tenant_scope(world.tenant_b):
        MembershipFactory(user=world.alice, role=Role.ANALYST)

    _request_reset(world.tenant_b, "alice@acme.test")

    [message] = mailoutbox
    assert "Globex Systems Partner Portal" in message.subject
    link = RESET_LINK.search(message.body)
    assert link["host"] == "globex.localhost"
    assert _set_password_with(link["path"], world.tenant_b).status_code == 302
    assert sign_in(Client(), world.tenant_a, "alice@acme.test", NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), world.tenant_b, "alice@acme.test", NEW_PASSWORD).status_code == 302
