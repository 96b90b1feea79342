"""Price lists (an ISO-4217 currency each) and dated prices: history kept, one price per list and date,
amounts validated, other tenants' price lists unknown, the price in force on a date selected."""

import datetime
from decimal import Decimal

import pytest

from prm.accounts.models import Membership
from prm.audit.models import AuditEvent
from prm.catalog.models import Price, PriceList
from prm.catalog.selectors import price_on
from prm.tenancy.context import tenant_scope
from tests.catalog.conftest import page_text
from tests.factories import PriceListFactory, ProductFactory

JSON = "application/json"
JAN, FEB, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)


@pytest.fixture
def catalogue(world):
    with tenant_scope(world.tenant_a):
        product = ProductFactory(sku="AX-100", name="Access switch")
        usd = PriceListFactory(name="USD list", currency="USD")
    with tenant_scope(world.tenant_b):
        foreign_list = PriceListFactory(name="Globex list", currency="USD")
    return product, usd, foreign_list


def prices_of(world, product):
    with tenant_scope(world.tenant_a):
        return [(p.price_list.name, p.valid_from, p.amount) for p in Price.objects.filter(product=product)]


def price_lists_of(tenant):
    with tenant_scope(tenant):
        return {pl.name: pl.currency for pl in PriceList.objects.all()}


# --- price lists -------------------------------------------------------------------------------------


def test_vendor_admin_creates_a_price_list_on_the_page_with_an_iso_currency(world):
    response = world.client(world.alice).post("/catalog/price-lists/", {"name": "EUR distributor", "currency": "eur"})
    assert response.status_code == 302
    assert price_lists_of(world.tenant_a) == {"EUR distributor": "EUR"}
    with tenant_scope(world.tenant_a):
        assert AuditEvent.objects.filter(action="price_list.create", after__currency="EUR").exists()
    assert "EUR distributor · EUR" in page_text(world.client(world.bob).get("/catalog/price-lists/"))


def test_vendor_admin_creates_a_price_list_through_the_api(world):
    response = world.client(world.alice).post(
        "/api/v1/price-lists/", {"name": "GBP list", "currency": "GBP"}, content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "GBP"
    assert price_lists_of(world.tenant_a) == {"GBP list": "GBP"}


@pytest.mark.parametrize(
    ("currency", "message"),
    [("ABC", "'ABC' is not an ISO 4217 currency code."), ("US", "Ensure this value has at least 3 characters")],
)
def test_price_list_page_refuses_a_currency_that_is_not_iso_4217(world, currency, message):
    response = world.client(world.alice).post("/catalog/price-lists/", {"name": "Bad", "currency": currency})
    assert response.status_code == 400
    assert message in page_text(response)
    assert price_lists_of(world.tenant_a) == {}


@pytest.mark.parametrize("currency", ["ABC", "US", "usd"])
def test_price_list_api_refuses_a_currency_that_is_not_an_upper_case_iso_4217_code(world, currency):
    response = world.client(world.alice).post(
        "/api/v1/price-lists/", {"name": "Bad", "currency": currency}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert f'"{currency}" is not a valid choice.' in response.json()["errors"]["currency"]
    assert price_lists_of(world.tenant_a) == {}


def test_price_list_names_are_unique_per_tenant(world, catalogue):
    response = world.client(world.alice).post(
        "/api/v1/price-lists/", {"name": "usd LIST", "currency": "USD"}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_name"
    assert set(price_lists_of(world.tenant_a)) == {"USD list"}
    response = world.client(world.charlie).post(
        "/api/v1/price-lists/", {"name": "USD list", "currency": "USD"}, content_type=JSON
    )
    assert response.status_code == 201


# --- dated prices on the page ------------------------------------------------------------------------


def test_page_adds_dated_prices_and_keeps_the_history(world, catalogue):
    product, usd, _ = catalogue
    client = world.client(world.alice)
    url = f"/catalog/products/{product.pk}/"
    response = client.post(url, {"price_list": usd.pk, "amount": "100.00", "valid_from": "2026-01-01"})
    assert response.status_code == 302
    response = client.post(url, {"price_list": usd.pk, "amount": "90.50", "valid_from": "2026-02-01"})
    assert response.status_code == 302
    assert prices_of(world, product) == [("USD list", FEB, Decimal("90.5")), ("USD list", JAN, Decimal("100"))]
    with tenant_scope(world.tenant_a):
        assert AuditEvent.objects.filter(action="price.create").count() == 2
    text = page_text(client.get(url))
    assert "$90.50" in text and "$100.00" in text  # the currency's decimals, not the column's four
    assert "90.5000" not in text


def test_page_refuses_a_second_price_on_the_same_list_and_date(world, catalogue):
    product, usd, _ = catalogue
    client = world.client(world.alice)
    url = f"/catalog/products/{product.pk}/"
    client.post(url, {"price_list": usd.pk, "amount": "100", "valid_from": "2026-01-01"})
    response = client.post(url, {"price_list": usd.pk, "amount": "80", "valid_from": "2026-01-01"})
    assert response.status_code == 400
    assert "AX-100 already has a price on USD list from 2026-01-01." in page_text(response)
    assert prices_of(world, product) == [("USD list", JAN, Decimal("100"))]


@pytest.mark.parametrize("amount", ["-1", "abc", "1.23456"], ids=["negative", "non-numeric", "too-many-decimals"])
def test_page_refuses_a_bad_amount_and_adds_nothing(world, catalogue, amount):
    product, usd, _ = catalogue
    response = world.client(world.alice).post(
        f"/catalog/products/{product.pk}/", {"price_list": usd.pk, "amount": amount, "valid_from": "2026-01-01"}
    )
    assert response.status_code == 400
    assert response.context["price_form"].errors["amount"]
    assert prices_of(world, product) == []


def test_page_refuses_a_price_list_of_another_tenant(world, catalogue):
    product, _, foreign_list = catalogue
    response = world.client(world.alice).post(
        f"/catalog/products/{product.pk}/",
        {"price_list": foreign_list.pk, "amount": "10", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["price_form"].errors["price_list"][0]
    assert prices_of(world, product) == []


def test_price_form_offers_only_the_tenants_price_lists(world, catalogue):
    product, _, _ = catalogue
    text = page_text(world.client(world.alice).get(f"/catalog/products/{product.pk}/"))
    assert "USD list (USD)" in text
    assert "Globex list" not in text


# --- dated prices through the API --------------------------------------------------------------------


def post_price(client, product, **body):
    return client.post(f"/api/v1/products/{product.pk}/prices/", body, content_type=JSON)


def test_api_adds_dated_prices_and_keeps_the_history(world, catalogue):
    product, usd, _ = catalogue
    client = world.client(world.alice)
    first = post_price(client, product, price_list=str(usd.pk), amount="100.00", valid_from="2026-01-01")
    assert first.status_code == 201, first.json()
    assert first.json()["currency"] == "USD"
    second = post_price(client, product, price_list=str(usd.pk), amount="95.2500", valid_from="2026-03-01")
    assert second.status_code == 201
    history = client.get(f"/api/v1/products/{product.pk}/prices/").json()
    assert history["count"] == 2
    assert [(p["valid_from"], p["amount"]) for p in history["results"]] == [
        ("2026-03-01", "95.2500"),
        ("2026-01-01", "100.0000"),
    ]
    assert prices_of(world, product) == [("USD list", MAR, Decimal("95.25")), ("USD list", JAN, Decimal("100"))]


def test_api_refuses_a_second_price_on_the_same_list_and_date(world, catalogue):
    product, usd, _ = catalogue
    client = world.client(world.alice)
    post_price(client, product, price_list=str(usd.pk), amount="100", valid_from="2026-01-01")
    response = post_price(client, product, price_list=str(usd.pk), amount="80", valid_from="2026-01-01")
    assert response.status_code == 409
    assert response.json() == {
        "code": "duplicate_price",
        "detail": "AX-100 already has a price on USD list from 2026-01-01.",
    }
    assert prices_of(world, product) == [("USD list", JAN, Decimal("100"))]


@pytest.mark.parametrize("amount", ["-0.01", "ten", "1.23456"], ids=["negative", "non-numeric", "too-many-decimals"])
def test_api_refuses_a_bad_amount_and_adds_nothing(world, catalogue, amount):
    product, usd, _ = catalogue
    response = post_price(world.client(world.alice), product, price_list=str(usd.pk), amount=amount, valid_from=JAN)
    assert response.status_code == 400
    assert response.json()["errors"]["amount"]
    assert prices_of(world, product) == []


def test_api_refuses_a_price_list_of_another_tenant_as_unprocessable(world, catalogue):
    product, _, foreign_list = catalogue
    response = post_price(
        world.client(world.alice), product, price_list=str(foreign_list.pk), amount="10", valid_from="2026-01-01"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unprocessable"
    assert "does not exist" in body["errors"]["price_list"][0]
    assert prices_of(world, product) == []


def test_price_service_refuses_amounts_the_serializer_would_not_see(world, catalogue):
    """The rule lives in the service, so any caller (a task, an import) gets it too."""
    from prm.catalog.services import price_set
    from prm.services import DomainError

    product, usd, _ = catalogue
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.get(user=world.alice)
        for amount in ("-1", "NaN", "x", "1.00001", "1e10"):
            with pytest.raises(DomainError) as caught:
                price_set(actor_membership=alice, product=product, price_list=usd, amount=amount, valid_from=JAN)
            assert caught.value.code == "invalid_amount"
    assert prices_of(world, product) == []


def test_price_on_picks_the_price_in_force_on_a_date(world, catalogue):
    product, usd, _ = catalogue
    with tenant_scope(world.tenant_a):
        eur = PriceListFactory(name="EUR list", currency="EUR")
        Price.objects.create(product=product, price_list=usd, amount="100", valid_from=JAN)
        Price.objects.create(product=product, price_list=usd, amount="90", valid_from=MAR)
        Price.objects.create(product=product, price_list=eur, amount="70", valid_from=FEB)

        def on(day, price_list=usd):
            price = price_on(product=product, price_list=price_list, on_date=day)
            return price.amount if price else None

        assert on(datetime.date(2025, 12, 31)) is None
        assert on(JAN) == Decimal("100")
        assert on(datetime.date(2026, 2, 28)) == Decimal("100")
        assert on(MAR) == Decimal("90")
        assert on(datetime.date(2030, 1, 1)) == Decimal("90")
        assert on(JAN, eur) is None
        assert on(MAR, eur) == Decimal("70")


@pytest.mark.parametrize("who", ["bob", "analyst"])
def test_channel_manager_and_analyst_read_prices_but_cannot_add_them(world, analyst, catalogue, who):
    product, usd, _ = catalogue
    client = world.client(analyst if who == "analyst" else world.bob)
    assert client.get(f"/api/v1/products/{product.pk}/prices/").status_code == 200
    assert client.get("/api/v1/price-lists/").status_code == 200
    response = post_price(client, product, price_list=str(usd.pk), amount="10", valid_from="2026-01-01")
    assert response.status_code == 403
    response = client.post(
        f"/catalog/products/{product.pk}/", {"price_list": usd.pk, "amount": "10", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 403
    assert prices_of(world, product) == []
