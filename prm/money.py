"""Money as people read it: an amount rounded to its currency's decimals, and shown with babel in the user's locale.

Amounts are `Decimal` with an ISO 4217 code beside them (never float). `quantize_money` rounds to the currency's
decimals (JPY 0, USD 2, BHD 3: babel's `get_currency_precision`), half away from zero as invoices do; do it where
an amount is stored or shown, not inside a calculation (`prm.ledger.fx.convert` keeps full precision).
`format_money` shows an amount in the active language's conventions (en: "$1,234.56", fr: "1 234,56 $US"); the
template filter `{% load money %}{{ amount|money:currency }}` calls it.
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision
from django.utils import translation


def to_decimal(amount):
    """`amount` (a Decimal, an int or a decimal str) as a Decimal; a float (binary, inexact) or a NaN or infinity
    is refused."""
    if isinstance(amount, float):
        raise TypeError("money is a Decimal (or an int or a str), never a float")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount")
    return amount


def quantize_money(amount, currency):
    """`amount` rounded to `currency`'s decimals (half away from zero): Decimal("2.345"), "USD" → Decimal("2.35")."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return to_decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount, currency, locale=None):
    """`amount` of `currency` as text in `locale` (default: the active language), with the currency's decimals."""
    locale = translation.to_locale(locale or translation.get_language() or "en")
    return format_currency(quantize_money(amount, currency), currency, locale=locale)
