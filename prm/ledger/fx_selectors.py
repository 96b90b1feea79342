from prm.ledger.models import FxRate


def fx_rate_list(*, base_currency="", quote_currency=""):
    """The tenant's FX rates, newest first within a pair; narrowed to one pair's currencies when given."""
    rates = FxRate.objects.all()
    if base_currency:
        rates = rates.filter(base_currency=base_currency)
    if quote_currency:
        rates = rates.filter(quote_currency=quote_currency)
    return rates


def fx_pairs():
    """The (base, quote) pairs the tenant has rates for, in order."""
    return list(
        FxRate.objects.order_by("base_currency", "quote_currency")
        .values_list("base_currency", "quote_currency")
        .distinct()
    )
