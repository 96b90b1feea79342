"""The demo's FX rates: monthly rates since September 2025 into each vendor's reporting currency, so the demo's
2026 amounts convert."""

import datetime
from decimal import Decimal

import pytest

from prm.accounts.models import Membership, Role
from prm.ledger.fx import convert
from prm.ledger.fx_demo import seed_fx_rates
from prm.ledger.models import FxRate
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import TenantFactory


@pytest.mark.parametrize(
    ("reporting", "pairs"),
    [("USD", {("EUR", "USD"), ("GBP", "USD"), ("CAD", "USD")}), ("EUR", {("USD", "EUR"), ("GBP", "EUR")})],
)
def test_the_demo_vendor_gets_monthly_rates_into_its_reporting_currency(db, reporting, pairs):
    tenant = TenantFactory(reporting_currency=reporting)
    with tenant_scope(tenant):
        admin = Membership.objects.get(user=make_member(Role.VENDOR_ADMIN))
        seed_fx_rates(admin_membership=admin, seed=4)
        assert set(FxRate.objects.values_list("base_currency", "quote_currency").distinct()) == pairs
        months = FxRate.objects.filter(base_currency="GBP").values_list("valid_from", flat=True)
        assert min(months) == datetime.date(2025, 9, 1)
        assert len(months) >= 15 and all(month.day == 1 for month in months)
        assert convert(Decimal("100"), "GBP", on=datetime.date(2026, 8, 15)).rate_valid_from == datetime.date(
            2026, 8, 1
        )
