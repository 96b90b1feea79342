"""What every module's forms share."""

import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import PartnerOrg


class StyledForm(forms.Form):
    """Adds Bootstrap classes to every widget, so templates render `{% include "_form.html" %}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateRangeFilterForm(StyledForm):
    """A filter form with `date_from` and `date_to` fields (the subclass declares them): an end before the start is
    an error on `date_to`."""

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def apply_domain_error(form, error):
    """Show a service's DomainError on the form (on the field its code names, else at the top)."""
    form.add_error(None, error.message)


class PartnerOrgPicker(forms.Select):
    """A list of the partner organisations to choose from while there are at most PICKER_LIST_LIMIT; beyond, a text
    box suggesting names as one types (htmx asks `partner_org_suggest` for the matches, into a <datalist>), so that
    a page never renders thousands of options."""

    PICKER_LIST_LIMIT = 200

    def render(self, name, value, attrs=None, renderer=None):
        queryset = self.choices.queryset
        orgs = list(queryset[: self.PICKER_LIST_LIMIT + 1])  # one query tells which, and lists them
        if len(orgs) <= self.PICKER_LIST_LIMIT:
            return forms.Select(self.attrs, self._options(orgs)).render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        options_id = f"{attrs.get('id', name)}-options"
        attrs.update(
            {
                "class": attrs.get("class", "").replace("form-select", "form-control"),
                "list": options_id,
                "autocomplete": "off",
                "placeholder": _("Type a partner's name"),
                "hx-get": reverse("accounts:partner_org_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{options_id}",
                "hx-params": name,
            }
        )
        return format_html(
            '<input type="text" name="{}" value="{}"{}><datalist id="{}"></datalist>',
            name,
            _picked_name(queryset, value),
            flatatt(attrs),
            options_id,
        )

    def _options(self, orgs):
        field = self.choices.field
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        return empty + [self.choices.choice(org) for org in orgs]


def _picked_name(queryset, value):
    """The name shown for `value`: an organisation's id gives its name, anything else is shown as typed."""
    if value in (None, ""):
        return ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    try:
        return queryset.get(pk=uuid.UUID(str(value))).name
    except (ValueError, ObjectDoesNotExist):
        return str(value)


class PartnerOrgChoiceField(forms.ModelChoiceField):
    """A partner organisation of the field's queryset, given by id (a list's choice, the API's way) or by its name,
    any letter case (typed into the picker; names are unique per tenant)."""

    widget = PartnerOrgPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", PartnerOrg.all_tenants.none())
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            uuid.UUID(str(value))
        except ValueError:
            org = self.queryset.filter(name__iexact=str(value).strip()).first()
            if org is None:
                raise ValidationError(
                    _("No partner organisation is named “%(name)s”."), code="invalid_choice", params={"name": value}
                ) from None
            return org
        return super().to_python(value)


ISO_DATE_FORMAT = "%Y-%m-%d"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateInput(forms.DateInput):
    """The portal's one date input: a text box showing and taking YYYY-MM-DD, as every table and the API write
    dates (a native date input shows the browser's locale order, mm/dd/yyyy in en-US). It says so in its
    placeholder and in the message of its `pattern`; static/js/portal.js adds a button that opens the browser's
    calendar (`data-date-picker`, the button's label), which writes the chosen day in the same form."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": gettext_lazy("YYYY-MM-DD"),
            "pattern": ISO_DATE.pattern,
            "title": gettext_lazy("A date as YYYY-MM-DD, for example 2026-03-31"),
            "maxlength": "10",
            "autocomplete": "off",
            "data-date-picker": gettext_lazy("Choose from a calendar"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=ISO_DATE_FORMAT)


class IsoDateField(forms.DateField):
    """A date field of the portal's forms (the IsoDateInput): YYYY-MM-DD only, whatever the language, so that
    03/04/2026 is never read as a guess; anything else is refused with a message that says how to write it."""

    widget = IsoDateInput
    input_formats = [ISO_DATE_FORMAT]
    default_error_messages = {
        "invalid": gettext_lazy("Enter the date as YYYY-MM-DD, for example 2026-03-31."),
    }

    def to_python(self, value):
        written = value not in self.empty_values and not isinstance(value, datetime.date)
        if written and not ISO_DATE.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
