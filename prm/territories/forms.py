import re

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.forms import COUNTRY_CHOICES
from prm.accounts.models import Membership, PartnerOrg
from prm.forms import PartnerOrgChoiceField, StyledForm
from prm.territories.models import Territory
from prm.territories.selectors import assignable_staff
from prm.validators import no_control_characters

PREFIX_LINE = re.compile(r"^\s*([A-Za-z]{2})\s*:\s*(.*)$")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} ({obj.get_role_display()})"


class TerritoryForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, validators=[no_control_characters])
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("e.g. EMEA-DACH"))
    parent = forms.ModelChoiceField(label=_("Parent"), queryset=Territory.all_tenants.none(), required=False)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=COUNTRY_CHOICES[1:],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    postcode_prefixes = forms.CharField(
        label=_("Postcode prefixes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per country, e.g. “DE: 7, 8, 9”: the territory then holds only that country's postcodes "
            "starting so. A country without a line is held whole."
        ),
    )

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Territory.objects.order_by("name")
        self.fields["parent"].queryset = parents.exclude(pk=territory.pk) if territory else parents

    def clean_postcode_prefixes(self):
        """{country: [prefix, …]} from the lines "DE: 7, 8, 9" (the service checks countries and prefixes)."""
        prefixes = {}
        for line in self.cleaned_data["postcode_prefixes"].splitlines():
            if not line.strip():
                continue
            match = PREFIX_LINE.match(line)
            if match is None:
                raise forms.ValidationError(_("Write one country per line with its prefixes, e.g. DE: 7, 8, 9."))
            given = [p.strip() for p in match.group(2).split(",") if p.strip()]
            prefixes.setdefault(match.group(1).upper(), []).extend(given)
        return prefixes


def initial_of(territory):
    return {
        "name": territory.name,
        "code": territory.code,
        "parent": territory.parent_id,
        "countries": territory.countries,
        "postcode_prefixes": "\n".join(f"{c}: {', '.join(p)}" for c, p in territory.postcode_prefixes.items()),
    }


class PartnerOrgAssignmentForm(StyledForm):
    partner_org = PartnerOrgChoiceField(label=_("Partner organisation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_org"].queryset = PartnerOrg.objects.order_by("name")


class StaffAssignmentForm(StyledForm):
    membership = StaffChoiceField(label=_("Staff member"), queryset=Membership.all_tenants.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = assignable_staff()
