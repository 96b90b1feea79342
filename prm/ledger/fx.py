"""Currency conversion at the rate of a date — the one function every module converts money with."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from prm.ledger.models import FxRate
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant


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
    rate_valid_from: object  # the date of the rate used (None when no conversion was needed)


def rate_on(*, base, quote, on):
    """The rate of the pair with the latest `valid_from ≤ on` (a direct rate, else the inverse of the reverse
    pair's), as (rate, valid_from); raises MissingFxRate when there is none."""
    rates = FxRate.objects.filter(valid_from__lte=on).order_by("-valid_from")
    direct = rates.filter(base_currency=base, quote_currency=quote).values_list("rate", "valid_from").first()
    inverse = rates.filter(base_currency=quote, quote_currency=base).values_list("rate", "valid_from").first()
    if direct and (not inverse or direct[1] >= inverse[1]):
        return direct
    if inverse:
        return Decimal(1) / inverse[0], inverse[1]
    raise MissingFxRate(base=base, quote=quote, on=on)


def convert(amount, currency, *, to=None, on):
    """`amount` of `currency` in `to` (the current tenant's reporting currency by default) at the rate valid on
    the date `on`. Returns a Conversion (the rate used goes with the amount wherever it is stored)."""
    to = to or require_current_tenant().reporting_currency
    amount = Decimal(amount)
    if currency == to:
        return Conversion(amount=amount, currency=to, rate=Decimal(1), rate_valid_from=None)
    rate, valid_from = rate_on(base=currency, quote=to, on=on)
    return Conversion(amount=amount * rate, currency=to, rate=rate, rate_valid_from=valid_from)
