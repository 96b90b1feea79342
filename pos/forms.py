import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pos.models import REQUIRED_FIELDS, DateFormat, DecimalSeparator, Field
from pos.selectors import LINE_SORTS, upload_partners
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import is_partner
from prm.forms import DateRangeFilterForm, IsoDateField, PartnerOrgChoiceField, StyledForm

# Header words that suggest a field, for the first guess on the mapping page.
FIELD_HINTS = {
    Field.INVOICE_NUMBER: r"invoice.?(no|num|#|id)|^invoice$|inv.?no|^doc|rechnung|facture",
    Field.INVOICE_DATE: r"date",
    Field.INVOICE_LINE: r"line",
    Field.SKU: r"sku|part|item|material|product.?(code|no)",
    Field.QUANTITY: r"qty|quantity|units",
    Field.UNIT_PRICE: r"price|unit.?cost",
    Field.CURRENCY: r"currency|^curr?$|ccy|devise|währung",
    Field.END_CUSTOMER_NAME: r"(end.?)?customer(.?name)?$|end.?user|^client|sold.?to|ship.?to.?name|kunde",
    Field.END_CUSTOMER_COUNTRY: r"country|^land$|^pays$",
    Field.END_CUSTOMER_DOMAIN: r"domain|web|url",
    Field.END_CUSTOMER_POSTCODE: r"post|zip",
    Field.RESELLER_NAME: r"reseller|dealer",
}


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Sales-out report (CSV or XLSX)"))
    partner_org = PartnerOrgChoiceField(label=_("Partner"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if is_partner(viewer):
            del self.fields["partner_org"]
        else:
            self.fields["partner_org"].queryset = upload_partners(viewer)


def guess_columns(header):
    guesses, taken = {}, set()
    for field, pattern in FIELD_HINTS.items():
        for index, name in enumerate(header):
            if index not in taken and re.search(pattern, name, re.IGNORECASE):
                guesses[field.value] = index
                taken.add(index)
                break
    return guesses


class MappingForm(StyledForm):
    """One select per field, listing the file's columns; plus the file's date and number formats."""

    name = forms.CharField(label=_("Template name"), max_length=100, required=False)
    date_format = forms.ChoiceField(label=_("Date format"), choices=DateFormat.choices)
    decimal_separator = forms.ChoiceField(label=_("Numbers are written like"), choices=DecimalSeparator.choices)
    default_currency = forms.CharField(
        label=_("Currency when the file has none (ISO 4217)"), max_length=3, required=False
    )

    def __init__(self, *args, header, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i), f"{i + 1}. {name}") for i, name in enumerate(header)]
        for field in Field:
            required = field in REQUIRED_FIELDS
            label = f"{field.label}{' *' if required else ''}"
            self.fields[f"col_{field.value}"] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.fields[f"col_{field.value}"].widget.attrs["class"] = "form-select"
        self.initial.update({f"col_{f}": str(i) for f, i in guess_columns(header).items()})

    def columns(self):
        return {f.value: self.cleaned_data.get(f"col_{f.value}") for f in Field}


class LineFilterForm(DateRangeFilterForm):
    partner_org = PartnerOrgChoiceField(label=_("Partner"), required=False)
    sku = forms.CharField(label=_("SKU"), required=False, max_length=64)
    date_from = IsoDateField(label=_("From"), required=False)
    date_to = IsoDateField(label=_("To"), required=False)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    # Set by the table's column headings; kept by the Filter button.
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if is_partner(viewer):
            del self.fields["partner_org"]
        else:
            self.fields["partner_org"].queryset = PartnerOrg.objects.all()

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        if sort and sort.removeprefix("-") not in LINE_SORTS:
            raise forms.ValidationError(
                _("“%(sort)s” is not a column to sort by: use one of %(keys)s, with a leading “-” for descending."),
                code="invalid_sort",
                params={"sort": sort, "keys": ", ".join(LINE_SORTS)},
            )
        return sort


class PartNumberForm(StyledForm):
    partner_org = PartnerOrgChoiceField(label=_("Partner"))
    partner_sku = forms.CharField(label=_("Partner part number"), max_length=64)
    product_sku = forms.CharField(label=_("Vendor SKU"), max_length=64)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if is_partner(viewer):
            del self.fields["partner_org"]
        else:
            self.fields["partner_org"].queryset = upload_partners(viewer)
