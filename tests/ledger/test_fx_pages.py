"""FX rate pages: vendor staff read the list (filtered by pair) and check a conversion; vendor admins enter a rate
and upload a CSV file whose answer is a result per line; bad input is a 400 page with the reason, never a 500."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.accounts.models import Role
from prm.ledger.models import FxRate
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member

LIST, NEW, IMPORT = "/ledger/fx-rates/", "/ledger/fx-rates/new/", "/ledger/fx-rates/import/"


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def analyst(world):
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")


@pytest.fixture
def rates(world):
    with tenant_scope(world.tenant_a):
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate="1.0842", valid_from="2026-01-01")
        FxRate.objects.create(base_currency="GBP", quote_currency="USD", rate="1.2650", valid_from="2026-01-01")
    with tenant_scope(world.tenant_b):
        FxRate.objects.create(base_currency="CHF", quote_currency="EUR", rate="1.0500", valid_from="2026-01-01")


def test_vendor_staff_read_the_list_filtered_by_pair_and_see_only_their_tenants_rates(world, rates, analyst):
    client = world.client(analyst)
    page = text(client.get(LIST))
    assert "1.0842" in page and "1.265" in page and "CHF" not in page
    assert NEW not in page and IMPORT not in page  # read-only
    filtered = text(client.get(LIST, {"pair": "GBP-USD"}))
    assert "1.265" in filtered and "1.0842" not in filtered


def test_the_navigation_links_the_list_for_vendor_staff_only(world, analyst):
    assert LIST in text(world.client(analyst).get("/"))
    assert LIST not in text(world.client(world.pat).get("/"))


@pytest.mark.parametrize("url", [LIST, NEW, IMPORT])
def test_partners_may_not_open_the_pages(world, url):
    assert world.client(world.pat).get(url).status_code == 403


@pytest.mark.parametrize("url", [NEW, IMPORT])
def test_analysts_may_not_enter_rates(world, analyst, url):
    assert world.client(analyst).get(url).status_code == 403
    assert world.client(analyst).post(url, {}).status_code == 403


def test_the_conversion_check_shows_money_in_the_users_language(world, rates):
    client = world.client(world.alice)
    query = {"amount": "1000", "currency": "EUR", "to": "USD", "on": "2026-02-01"}
    answer = text(client.get(LIST, query))
    assert "€1,000.00 = <strong>$1,084.20</strong>" in answer
    assert "2026-01-01" in answer
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "1\u202f084,20\xa0$US" in text(client.get(LIST, query))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"amount": "1", "currency": "EUR", "to": "USD", "on": "2025-12-31"}, "No FX rate from EUR to USD"),
        ({"amount": "1", "currency": "EUX", "to": "USD", "on": "2026-01-01"}, "not an ISO 4217 currency code"),
        ({"amount": "lots", "currency": "EUR", "to": "USD", "on": "2026-01-01"}, "Enter a number."),
        (
            {"amount": "1", "currency": "EUR", "to": "USD", "on": "soon"},
            "Enter the date as YYYY-MM-DD, for example 2026-03-31.",
        ),
    ],
)
def test_a_conversion_that_cannot_be_made_says_why(world, rates, query, message):
    response = world.client(world.alice).get(LIST, query)
    assert response.status_code == 400
    assert message in text(response)


def test_a_vendor_admin_enters_a_rate(world):
    client = world.client(world.alice)
    response = client.post(
        NEW, {"base_currency": "eur", "quote_currency": "USD", "rate": "1.0842", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    with tenant_scope(world.tenant_a):
        assert FxRate.objects.get().base_currency == "EUR"
    assert "Rate added" in text(client.get(LIST))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"base_currency": "EUR", "quote_currency": "USD", "rate": "1.1", "valid_from": "2026-01-01"},
            "exists already",
        ),
        ({"base_currency": "EUR", "quote_currency": "EUR", "rate": "1", "valid_from": "2026-02-01"}, "two different"),
        ({"base_currency": "EUR", "quote_currency": "USD", "rate": "0", "valid_from": "2026-02-01"}, "greater than 0"),
        ({"base_currency": "EUR", "quote_currency": "USD", "rate": "x", "valid_from": "2026-02-01"}, "Enter a number"),
        ({"base_currency": "EURO", "quote_currency": "USD", "rate": "1", "valid_from": "2026-02-01"}, "at most 3"),
        (
            {"base_currency": "EUR", "quote_currency": "USD", "rate": "1", "valid_from": "2026-13-01"},
            "Enter the date as YYYY-MM-DD",
        ),
    ],
)
def test_a_bad_rate_is_a_400_page_with_the_reason(world, rates, form, message):
    response = world.client(world.alice).post(NEW, form)
    assert response.status_code == 400
    assert message in text(response)
    with tenant_scope(world.tenant_a):
        assert FxRate.objects.count() == 2


def test_an_upload_answers_a_result_per_line(world, rates):
    content = b"base_currency,quote_currency,rate,valid_from\nEUR,USD,1.09,2026-02-01\nEUR,USD,1.1,2026-01-01\n"
    response = world.client(world.alice).post(IMPORT, {"file": SimpleUploadedFile("r.csv", content)})
    assert response.status_code == 200
    page = text(response)
    assert "1 added, 1 rejected." in page
    assert "valid from 2026-01-01 exists already" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"rate\n1\n", "The first line must name the columns"), (b"\x89PNG\r\n\x1a\n\x00\x00", "not an accepted type")],
)
def test_an_upload_that_cannot_be_read_is_a_400_page_with_the_reason(world, content, message):
    response = world.client(world.alice).post(IMPORT, {"file": SimpleUploadedFile("r.csv", content)})
    assert response.status_code == 400
    assert message in text(response)
