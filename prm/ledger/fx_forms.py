from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from prm.forms import IsoDateField, StyledForm
from prm.ledger.fx_services import CSV_COLUMNS
from prm.ledger.models import FxRate
from prm.services import DomainError
from prm.tenancy.services import validate_currency

RATE = FxRate._meta.get_field("rate")


class CurrencyCodeField(forms.CharField):
    """An ISO 4217 code (upper-cased)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=3, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_currency(value)
        except DomainError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


class FxRateForm(StyledForm):
    base_currency = CurrencyCodeField(label=_("From currency (ISO 4217)"))
    quote_currency = CurrencyCodeField(label=_("To currency (ISO 4217)"))
    rate = forms.DecimalField(
        label=_("Rate"),
        help_text=_("What 1 unit of the first currency is worth in the second."),
        max_digits=RATE.max_digits,
        decimal_places=RATE.decimal_places,
    )
    valid_from = IsoDateField(label=_("Valid from"))


class FxRatesImportForm(StyledForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=format_lazy(_("Header: {columns}. Dates as YYYY-MM-DD."), columns=",".join(CSV_COLUMNS)),
    )


class ConvertForm(StyledForm):
    """The list page's "what is this amount worth" check (GET)."""

    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=4)
    currency = CurrencyCodeField(label=_("Currency"))
    to = CurrencyCodeField(label=_("In"))
    on = IsoDateField(label=_("On"))
