"""prm.money: amounts rounded to their currency's decimals and shown in the user's language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from prm.money import format_money, quantize_money

NNBSP, NBSP = "\u202f", "\xa0"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "USD", Decimal("2.35")),  # half away from zero, not to even
        ("-2.345", "USD", Decimal("-2.35")),
        ("1234.5", "JPY", Decimal("1235")),  # no decimals
        ("1.2345", "BHD", Decimal("1.235")),  # three
        (7, "EUR", Decimal("7.00")),
    ],
)
def test_quantize_money_rounds_to_the_currencys_decimals(amount, currency, expected):
    rounded = quantize_money(amount, currency)
    assert rounded == expected and rounded.as_tuple().exponent == expected.as_tuple().exponent


@pytest.mark.parametrize(
    ("currency", "english", "french"),
    [
        ("USD", "$1,234.57", f"1{NNBSP}234,57{NBSP}$US"),
        ("EUR", "€1,234.57", f"1{NNBSP}234,57{NBSP}€"),
        ("JPY", "¥1,235", f"1{NNBSP}235{NBSP}JPY"),
        ("BHD", "BHD1,234.568", f"1{NNBSP}234,568{NBSP}BHD"),
    ],
)
def test_format_money_in_english_and_french_with_the_currencys_decimals(currency, english, french):
    assert format_money(Decimal("1234.5678"), currency, "en") == english
    assert format_money(Decimal("1234.5678"), currency, "fr") == french


def test_format_money_rounds_half_up_like_quantize_money_not_like_babel():
    assert format_money(Decimal("0.125"), "USD", "en") == "$0.13"  # babel alone shows $0.12


def test_format_money_uses_the_active_language():
    with translation.override("fr"):
        assert format_money(Decimal("1"), "USD") == f"1,00{NBSP}$US"
    with translation.override("en"):
        assert format_money(Decimal("1"), "USD") == "$1.00"


def test_a_float_is_not_money():
    with pytest.raises(TypeError):
        quantize_money(0.1, "USD")


def test_the_money_filter_formats_in_the_active_language_and_shows_nothing_for_no_amount():
    template = Template("{% load money %}[{{ amount|money:currency }}]")
    with translation.override("fr"):
        assert template.render(Context({"amount": Decimal("1234.5"), "currency": "EUR"})) == f"[1{NNBSP}234,50{NBSP}€]"
    assert template.render(Context({"amount": None, "currency": "EUR"})) == "[]"
