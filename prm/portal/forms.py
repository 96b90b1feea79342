from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from prm.accounts.forms import COUNTRY_CHOICES
from prm.forms import StyledForm
from prm.tenancy.models import hex_colour


class BrandingForm(StyledForm):
    portal_name = forms.CharField(label=_("Portal name"), max_length=120)
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        validators=[hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"), max_length=7, validators=[hex_colour], widget=forms.TextInput(attrs={"type": "color"})
    )
    email_sender_name = forms.CharField(label=_("E-mail sender name"), max_length=120, required=False)
    email_sender_address = forms.EmailField(label=_("E-mail sender address"), required=False)
    logo = forms.FileField(label=_("Logo (PNG, JPEG, WebP or GIF, at most 2 MB)"), required=False)


class FiscalCalendarForm(StyledForm):
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        help_text=_("Business days skip this country's public holidays (a partner's deadlines follow its own)."),
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("The fiscal year starts in"),
        choices=sorted(MONTHS.items()),
        coerce=int,
        help_text=_(
            "A fiscal year is named by the calendar year it ends in: from April, FY2027 is April 2026 to March 2027."
        ),
    )
