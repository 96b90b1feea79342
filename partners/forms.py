import re

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import MAX_SPECIALISATIONS, PartnerApplication, Tier
from partners.services.applications import MAX_EXPECTED_SALES
from prm.accounts.forms import COUNTRY_CHOICES, ManagerChoiceField
from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.selectors import channel_managers
from prm.forms import IsoDateField, StyledForm

HONEYPOT_FIELD = "company_fax"  # hidden from people (and screen readers); a bot that fills it is sent away politely


class ApplicationForm(StyledForm):
    company_name = forms.CharField(label=_("Company"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Partner type"), choices=PartnerOrg.Type.choices)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    website = forms.CharField(label=_("Website"), max_length=300, help_text=_("e.g. example.com"))
    specialisations = forms.CharField(
        label=_("Specialisations"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas, e.g. cloud security, managed networks (at most %(n)d).")
        % {"n": MAX_SPECIALISATIONS},
    )
    expected_annual_sales = forms.DecimalField(
        label=_("Expected annual sales of our products"),
        required=False,
        min_value=0,
        max_value=MAX_EXPECTED_SALES,
        decimal_places=2,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    company_fax = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_specialisations(self):
        return [part for part in re.split(r"[,\n]", self.cleaned_data["specialisations"]) if part.strip()]

    def is_bot(self):
        return bool(self.data.get(HONEYPOT_FIELD))


class ApplicationFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *PartnerApplication.Status.choices]
    )
    search = forms.CharField(label=_("Company or e-mail"), required=False, max_length=200)


class ApproveForm(StyledForm):
    name = forms.CharField(
        label=_("Partner organisation's name"),
        max_length=200,
        help_text=_("As the company applied; change it if a partner of that name exists already."),
    )
    partner_type = forms.ChoiceField(label=_("Partner type"), choices=PartnerOrg.Type.choices)
    channel_manager = ManagerChoiceField(label=_("Channel manager"), queryset=Membership.all_tenants.none())
    reason = forms.CharField(label=_("Note (kept in the audit log)"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_manager"].queryset = channel_managers()


class DeclineForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (e-mailed to the applicant)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TierForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=80)
    rank = forms.IntegerField(label=_("Rank"), min_value=0, max_value=1000, help_text=_("Higher is better."))
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types (its track)"),
        choices=PartnerOrg.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every partner type that no other tier names."),
    )
    min_sales_12m = forms.DecimalField(
        label=_("Sales in the trailing 12 months, at least"),
        min_value=0,
        max_value=MAX_EXPECTED_SALES,
        decimal_places=2,
    )
    benefits = forms.CharField(
        label=_("Benefits (what partners read)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rebate_rate_modifier = forms.DecimalField(
        label=_("Rebate rate modifier (percentage points)"), min_value=-100, max_value=100, decimal_places=2, initial=0
    )
    mdf_eligible = forms.BooleanField(label=_("Eligible for MDF"), required=False)
    mdf_allocation = forms.DecimalField(
        label=_("MDF allocation per period"), min_value=0, max_value=MAX_EXPECTED_SALES, decimal_places=2, initial=0
    )
    deal_protection_discount = forms.DecimalField(
        label=_("Deal protection discount (%)"), min_value=0, max_value=100, decimal_places=2, initial=0
    )


class ProgramSettingsForm(StyledForm):
    tier_grace_days = forms.IntegerField(label=_("Grace period before a downgrade (days)"), min_value=0, max_value=730)


class TierOverrideForm(StyledForm):
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.all_tenants.none())
    until = IsoDateField(label=_("Until"))
    reason = forms.CharField(label=_("Reason (kept in the tier history)"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.all()
