from django import template

from prm.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    """`{{ amount|money:currency }}`: the amount in the request's language with the currency's decimals
    (prm.money.format_money); nothing for no amount."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)
