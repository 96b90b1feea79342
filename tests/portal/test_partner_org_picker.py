"""The partner picker (prm.forms.PartnerOrgPicker): a list while a tenant has few partners, a text box with
suggestions beyond, so that no page renders thousands of options; a typed name (any case) or an id is taken."""

import re

import pytest

from prm.accounts.models import Invitation, Role
from prm.forms import PartnerOrgPicker
from prm.tenancy.context import tenant_scope
from tests.factories import PartnerOrgFactory


@pytest.fixture
def many_partners(world, monkeypatch):
    """Tenant A past the list's limit (lowered to 2 for the test: it has org1, org2 and a third)."""
    monkeypatch.setattr(PartnerOrgPicker, "PICKER_LIST_LIMIT", 2)
    with tenant_scope(world.tenant_a):
        PartnerOrgFactory(name="Gamma Alpha Networks")
    return world


def invite(world, partner_org):
    return world.client(world.alice).post(
        "/users/", {"email": "new@example.test", "role": Role.PARTNER_USER, "partner_org": partner_org}
    )


def test_few_partners_are_a_list_to_choose_from(world):
    page = world.client(world.alice).get("/users/").content.decode()
    assert re.search(r'<select name="partner_org"[^>]*>', page)
    assert "Alpha Resellers</option>" in page


def test_many_partners_are_a_text_box_asking_for_suggestions_not_a_list(many_partners):
    page = many_partners.client(many_partners.alice).get("/users/").content.decode()
    box = re.search(r'<input type="text" name="partner_org"[^>]*>', page).group(0)
    assert 'list="id_partner_org-options"' in box and 'hx-get="/partner-orgs/suggest/"' in box
    assert '<datalist id="id_partner_org-options"></datalist>' in page
    assert "Alpha Resellers</option>" not in page


@pytest.mark.parametrize("typed", ["alpha resellers", "  Alpha Resellers "])
def test_a_typed_name_in_any_case_picks_that_partner(many_partners, typed):
    assert invite(many_partners, typed).status_code == 302
    with tenant_scope(many_partners.tenant_a):
        assert Invitation.objects.get(email="new@example.test").partner_org == many_partners.org1


def test_an_id_still_picks_the_partner(many_partners):
    assert invite(many_partners, str(many_partners.org2.pk)).status_code == 302
    with tenant_scope(many_partners.tenant_a):
        assert Invitation.objects.get(email="new@example.test").partner_org == many_partners.org2


@pytest.mark.parametrize("typed", ["Alpha", "Gamma Partners"])  # a part of a name; tenant B's partner
def test_a_name_that_is_no_partner_of_the_tenant_is_refused_and_shown_back(many_partners, typed):
    answer = invite(many_partners, typed)
    assert answer.status_code == 400  # the form again, with its errors
    assert f"No partner organisation is named “{typed}”." in answer.content.decode()
    assert f'value="{typed}"' in answer.content.decode()  # the typed text stays in the box
    with tenant_scope(many_partners.tenant_a):
        assert not Invitation.objects.exists()


def suggestions(world, user, text):
    answer = world.client(user).get("/partner-orgs/suggest/", {"partner_org": text})
    return answer.status_code, re.findall(r'<option value="([^"]*)">', answer.content.decode())


def test_suggestions_are_the_names_in_the_viewers_scope_containing_the_text(many_partners):
    assert suggestions(many_partners, many_partners.alice, "ALPHA") == (
        200,
        ["Alpha Resellers", "Gamma Alpha Networks"],
    )
    assert suggestions(many_partners, many_partners.alice, "gamma partners") == (200, [])  # tenant B's
    assert suggestions(many_partners, many_partners.pat, "a") == (200, ["Alpha Resellers"])  # a partner: its own
    assert suggestions(many_partners, many_partners.alice, "   ") == (200, [])


def test_suggestions_refuse_a_text_longer_than_a_name_and_strangers(many_partners):
    assert suggestions(many_partners, many_partners.alice, "x" * 201)[0] == 400
    assert many_partners.client(None).get("/partner-orgs/suggest/", {"q": "a"}).status_code == 302


@pytest.mark.parametrize("page", ["/pos/imports/", "/pos/lines/", "/cadences/new/"])
def test_the_other_partner_fields_are_pickers_too(many_partners, page):
    html = many_partners.client(many_partners.alice).get(page).content.decode()
    assert re.search(r'<input type="text" name="partner_org"[^>]*hx-get="/partner-orgs/suggest/"', html)
    assert "Alpha Resellers</option>" not in html
