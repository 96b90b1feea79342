"""Currency conversion at the rate of a date — the one function every module converts money with.

A tenant's rates are `FxRate` rows: 1 `base_currency` = `rate` `quote_currency` from `valid_from` until the pair's
next rate. `rate_on` answers the rate of a pair on a date:
- the rate of the pair with the latest `valid_from ≤ on` (a rate holds from its first day; the day before, the
  previous rate holds — or none);
- a pair entered in one direction only converts the other way too, at 1 / rate (rounded to the 10 decimals a rate
  is stored with, so the rate a posting stores reproduces its amount exactly); when both directions have a rate on
  that date, the more recent one holds (on the same day, the direct one);
- no cross rates: EUR → GBP needs an EUR/GBP (or GBP/EUR) rate, not two rates through USD;
- none: `MissingFxRate` (code `missing_fx_rate`), naming the pair and the date — never a made-up 1.0.
`convert` keeps full precision; round where an amount is stored or shown (`prm.money.quantize_money`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from prm.ledger.models import FxRate
from prm.money import to_decimal
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant

RATE_EXPONENT = Decimal(1).scaleb(-FxRate._meta.get_field("rate").decimal_places)


class MissingFxRate(DomainError):
    """No rate for a currency pair on a date: an amount is never converted at a made-up 1.0."""

    def __init__(self, *, base, quote, on):
        super().__init__(
            _("No FX rate from %(base)s to %(quote)s is valid on %(date)s: enter one valid from that date or earlier.")
            % {"base": base, "quote": quote, "date": on.isoformat()},
            code="missing_fx_rate",
        )
        self.base, self.quote, self.on = base, quote, on


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    rate: Decimal  # what one unit of the source currency was worth in `currency` (1 when they are the same)
    rate_valid_from: datetime.date | None  # the date of the rate used (None when no conversion was needed)


def _require_date(on):
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise TypeError(f"a rate is looked up for a date, not {on!r}")


def rate_on(*, base, quote, on):
    """The rate of the pair valid on the date `on` (module docstring), as (rate, valid_from); raises MissingFxRate
    when there is none."""
    _require_date(on)
    rates = FxRate.objects.filter(valid_from__lte=on).order_by("-valid_from").values_list("rate", "valid_from")
    direct = rates.filter(base_currency=base, quote_currency=quote).first()
    inverse = rates.filter(base_currency=quote, quote_currency=base).first()
    if direct and (not inverse or direct[1] >= inverse[1]):
        return direct
    if inverse:
        return (Decimal(1) / inverse[0]).quantize(RATE_EXPONENT), inverse[1]
    raise MissingFxRate(base=base, quote=quote, on=on)


def convert(amount, currency, *, to=None, on):
    """`amount` of `currency` in `to` (the current tenant's reporting currency by default) at the rate valid on
    the date `on`. Returns a Conversion (the rate used goes with the amount wherever it is stored).
    `amount` is a Decimal, an int or a decimal str (`prm.money.to_decimal`: a float is refused)."""
    amount = to_decimal(amount)
    _require_date(on)
    to = to or require_current_tenant().reporting_currency
    if currency == to:
        return Conversion(amount=amount, currency=to, rate=Decimal(1), rate_valid_from=None)
    rate, valid_from = rate_on(base=currency, quote=to, on=on)
    return Conversion(amount=amount * rate, currency=to, rate=rate, rate_valid_from=valid_from)
