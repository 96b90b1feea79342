from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import IsoDateField, PartnerOrgChoiceField, StyledForm
from prm.ledger.models import BALANCE_BUCKETS, Kind


class PostingFilterForm(StyledForm):
    """The filters of the ledger pages (selectors.filter_postings): the partner among `partner_orgs` (the viewer's
    scope); a partner's page (None) has no partner field."""

    partner_org = PartnerOrgChoiceField(label=_("Partner"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices], required=False)
    bucket = forms.ChoiceField(
        label=_("Bucket"), choices=[("", "—"), *((b.value, b.label) for b in BALANCE_BUCKETS)], required=False
    )
    date_from = IsoDateField(label=_("From"), required=False)
    date_to = IsoDateField(label=_("Until"), required=False)
    source_module = forms.CharField(label=_("Source"), required=False, max_length=50)

    def __init__(self, *args, partner_orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partner_orgs is not None:
            self.fields["partner_org"].queryset = partner_orgs
        else:
            del self.fields["partner_org"]

    def filters(self):
        """The given filters, for selectors.filter_postings (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
