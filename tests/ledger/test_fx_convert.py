"""convert() and rate_on(): the rate with the latest valid_from on or before the date, the reverse pair's inverse,
and a clear error (never 1.0) when there is none."""

import datetime
from decimal import Decimal

import pytest

from prm.ledger.fx import MissingFxRate, convert, rate_on
from prm.ledger.models import FxRate
from prm.tenancy.context import tenant_scope
from tests.factories import TenantFactory

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)


@pytest.fixture
def tenant(db):
    tenant = TenantFactory(reporting_currency="USD")
    with tenant_scope(tenant):
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate="1.0800", valid_from=JAN)
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate="1.1000", valid_from=FEB)
        yield tenant


def test_the_day_before_the_first_rate_has_no_rate_and_the_error_names_the_pair_and_date(tenant):
    with pytest.raises(MissingFxRate) as refused:
        convert(Decimal("100"), "EUR", on=datetime.date(2025, 12, 31))
    assert refused.value.code == "missing_fx_rate"
    assert "EUR" in refused.value.message and "USD" in refused.value.message
    assert "2025-12-31" in refused.value.message


def test_a_rate_holds_from_its_first_day(tenant):
    conversion = convert(Decimal("100"), "EUR", on=JAN)
    assert conversion.amount == Decimal("108.0000")
    assert (conversion.currency, conversion.rate, conversion.rate_valid_from) == ("USD", Decimal("1.08"), JAN)


def test_between_two_rates_the_earlier_holds_until_the_later_ones_first_day(tenant):
    assert convert(Decimal("100"), "EUR", on=datetime.date(2026, 1, 31)).rate == Decimal("1.08")
    assert convert(Decimal("100"), "EUR", on=FEB).rate == Decimal("1.10")
    assert convert(Decimal("100"), "EUR", on=datetime.date(2027, 6, 1)).rate_valid_from == FEB


def test_the_same_currency_needs_no_rate(tenant):
    conversion = convert(Decimal("12.345"), "USD", on=datetime.date(2000, 1, 1))
    assert (conversion.amount, conversion.rate, conversion.rate_valid_from) == (Decimal("12.345"), 1, None)


def test_the_reverse_pair_converts_at_the_inverse_rounded_as_a_stored_rate(tenant):
    conversion = convert(Decimal("110"), "USD", to="EUR", on=FEB)
    assert conversion.rate == Decimal("0.9090909091")  # 1 / 1.1 to the 10 decimals of FxRate.rate
    assert conversion.amount == Decimal("110") * conversion.rate
    assert conversion.rate_valid_from == FEB


def test_a_direct_rate_and_a_newer_reverse_rate_the_newer_holds(tenant):
    FxRate.objects.create(base_currency="USD", quote_currency="EUR", rate="0.8", valid_from=datetime.date(2026, 3, 1))
    assert rate_on(base="EUR", quote="USD", on=datetime.date(2026, 2, 28)) == (Decimal("1.1"), FEB)
    assert rate_on(base="EUR", quote="USD", on=datetime.date(2026, 3, 1)) == (
        Decimal("1.25"),
        datetime.date(2026, 3, 1),
    )


def test_no_cross_rate_through_a_third_currency(tenant):
    FxRate.objects.create(base_currency="GBP", quote_currency="USD", rate="1.25", valid_from=JAN)
    with pytest.raises(MissingFxRate):
        convert(Decimal("1"), "EUR", to="GBP", on=FEB)


def test_the_default_target_is_the_tenants_reporting_currency(tenant):
    assert convert(Decimal("1"), "EUR", on=FEB).currency == "USD"


def test_another_tenants_rates_are_not_used(tenant):
    other = TenantFactory(reporting_currency="USD")
    with tenant_scope(other), pytest.raises(MissingFxRate):
        convert(Decimal("1"), "EUR", on=FEB)


@pytest.mark.parametrize(
    ("amount", "on"),
    [(1.5, FEB), (Decimal("1"), datetime.datetime(2026, 2, 1, 12, 0)), (Decimal("1"), "2026-02-01")],
)
def test_a_float_amount_or_a_date_that_is_not_a_date_is_refused(tenant, amount, on):
    with pytest.raises(TypeError):
        convert(amount, "EUR", on=on)
