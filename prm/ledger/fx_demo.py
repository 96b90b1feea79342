"""The demo's FX rates: a rate on the first of every month since September 2025 for each demo currency into the
vendor's reporting currency (acme: EUR, GBP, CAD → USD; globex: USD, GBP → EUR), a small random walk around a
plausible level, entered through the service."""

import datetime
import random
from decimal import Decimal

from prm.ledger.fx_services import RateLine, Source, fx_rates_create_many

FIRST_MONTH = datetime.date(2025, 9, 1)  # before the demo's POS sales (2026) and prices (2026-01-01)
LEVELS = {
    ("EUR", "USD"): Decimal("1.09"),
    ("GBP", "USD"): Decimal("1.27"),
    ("CAD", "USD"): Decimal("0.73"),
    ("USD", "EUR"): Decimal("0.92"),
    ("GBP", "EUR"): Decimal("1.17"),
}


def _months(until):
    month = FIRST_MONTH
    while month <= until:
        yield month
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def seed_fx_rates(*, admin_membership, seed):
    reporting = admin_membership.tenant.reporting_currency
    rng = random.Random(seed)  # noqa: S311 - demo rates, not secrets
    lines = []
    for (base, quote), level in LEVELS.items():
        if quote != reporting:
            continue
        rate = level
        for month in _months(datetime.date.today()):
            rate = (rate * (1 + Decimal(rng.randint(-150, 150)) / 10_000)).quantize(Decimal("0.0001"))
            lines.append(
                RateLine(number=len(lines), base_currency=base, quote_currency=quote, rate=rate, valid_from=month)
            )
    if lines:
            fx_rates_create_many(actor_membership=admin_membership, lines=lines, source=Source.MANUAL)
