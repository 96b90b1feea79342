"""The ledger's pages: vendor staff see every partner's postings and balances, a partner its own earnings; a
posting links to its source page through the registry modules fill (prm.modules.register_ledger_source)."""

import pytest
from django.urls import reverse

from prm import modules
from prm.accounts.models import Membership
from prm.ledger.models import Kind
from prm.ledger.services import Source, ledger_accrue, ledger_approve
from prm.tenancy.context import tenant_scope
from tests.ledger.conftest import DAY

LEDGER, EARNINGS = reverse("ledger:posting_list"), reverse("ledger:earnings")


@pytest.fixture
def postings(world):
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.get(user=world.alice)
        common = {"actor_membership": alice, "kind": Kind.REBATE, "currency": "USD", "business_date": DAY}
        ledger_accrue(**common, partner_org=world.org1, amount="123.45", source=Source("mdf", "claim", "C-1"))
        ledger_approve(**common, partner_org=world.org2, amount="987.65", source=Source("legacy", "sheet", "S-9"),
                       accrued=False, reason="Beta's bonus")  # fmt: skip
    return world


@pytest.fixture
def registered_claim_source(monkeypatch):
    monkeypatch.setattr(modules, "_ledger_sources", {})
    claim_page = lambda pk: f"/mdf/claims/{pk}/"  # noqa: E731
    modules.register_ledger_source(module="mdf", object_type="claim", url=claim_page, label="Claim")


def test_staff_see_every_partners_postings_and_balances(postings):
    page = postings.client(postings.bob).get(LEDGER)
    assert page.status_code == 200
    body = page.content.decode()
    for text in ("Alpha Resellers", "Beta Distribution", "123.45", "987.65", "Beta&#x27;s bonus"):
        assert text in body
    assert reverse("ledger:posting_list") in body  # the navigation's link


def test_the_staff_ledger_filters_by_partner(postings):
    page = postings.client(postings.alice).get(LEDGER, {"partner_org": str(postings.org1.pk)})
    body = page.content.decode()
    assert "123.45" in body and "987.65" not in body


def test_a_bad_filter_answers_400_with_the_fields_error(postings):
    page = postings.client(postings.alice).get(LEDGER, {"date_from": "yesterday"})
    assert page.status_code == 400
    assert "Enter the date as YYYY-MM-DD" in page.content.decode()


def test_a_partner_sees_its_own_earnings_only(postings):
    page = postings.client(postings.pat).get(EARNINGS)
    assert page.status_code == 200
    body = page.content.decode()
    assert "123.45" in body and "987.65" not in body and "Beta" not in body
    assert reverse("ledger:earnings") in body  # the navigation's link
    assert "987.65" in postings.client(postings.otto).get(EARNINGS).content.decode()


def test_the_staff_ledger_is_for_staff_and_the_earnings_page_for_partners(postings):
    assert postings.client(postings.pat).get(LEDGER).status_code == 403
    assert postings.client(postings.alice).get(EARNINGS).status_code == 403
    assert postings.client(postings.charlie, postings.tenant_a).get(LEDGER).status_code in (302, 403)


def test_a_posting_links_to_its_registered_source_and_shows_an_unknown_one_as_text(postings, registered_claim_source):
    body = postings.client(postings.alice).get(LEDGER).content.decode()
    assert '<a href="/mdf/claims/C-1/">Claim C-1</a>' in body
    assert "legacy sheet S-9" in body and "/legacy/" not in body


def test_a_source_registered_with_a_url_name_is_reversed_with_its_id(postings, monkeypatch):
    monkeypatch.setattr(modules, "_ledger_sources", {})
    modules.register_ledger_source(module="mdf", object_type="claim", url="accounts:partner_org_detail", label="Org")
    modules.register_ledger_source(module="legacy", object_type="sheet", url="no-such-url", label="Sheet")
    with tenant_scope(postings.tenant_a):
        alice = Membership.objects.get(user=postings.alice)
        ledger_accrue(actor_membership=alice, partner_org=postings.org1, kind=Kind.BONUS, currency="USD",
                      amount="5", source=Source("mdf", "claim", postings.org1.pk), business_date=DAY)  # fmt: skip
    body = postings.client(postings.alice).get(LEDGER).content.decode()
    page = reverse("accounts:partner_org_detail", args=[postings.org1.pk])
    assert f'<a href="{page}">Org {postings.org1.pk}</a>' in body
    assert "Org C-1" in body and "Sheet S-9" in body  # text: no page for these ids
