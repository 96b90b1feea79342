from django import forms
from django.utils.translation import gettext_lazy as _

from prm.catalog.models import PriceList
from prm.forms import IsoDateField, StyledForm


class ProductForm(StyledForm):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    family = forms.CharField(label=_("Family"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


SEARCH_MAX_LENGTH = 100  # a SKU is at most 64 characters; a longer search is a mistake, not a question


class ProductFilterForm(StyledForm):
    """The product list's search (a SKU or a name, any case, anywhere in it) and family filter."""

    search = forms.CharField(label=_("SKU or name"), required=False, max_length=SEARCH_MAX_LENGTH)
    family = forms.CharField(label=_("Family"), required=False, max_length=100)


class ProductImportForm(StyledForm):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Header: sku,name,family,active. Existing SKUs are updated.")
    )


class PriceListForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3, min_length=3)


class PriceForm(StyledForm):
    price_list = forms.ModelChoiceField(label=_("Price list"), queryset=PriceList.all_tenants.none())
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=4, min_value=0)
    valid_from = IsoDateField(label=_("Valid from"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.all()
