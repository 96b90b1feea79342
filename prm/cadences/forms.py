from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import PartnerOrg
from prm.cadences.models import MAX_DAYS_AFTER_QUARTER_END, ReportingCadence
from prm.cadences.services import SCHEDULE_FIELDS
from prm.forms import PartnerOrgChoiceField, StyledForm
from prm.modules import report_kind_choices

BLANK = [("", "—")]


class CadenceForm(StyledForm):
    """A cadence's fields; only the chosen frequency's schedule field is sent to the service."""

    report_kind = forms.ChoiceField(label=_("Report"))
    partner_type = forms.ChoiceField(
        label=_("For every partner of type"), choices=BLANK + PartnerOrg.Type.choices, required=False
    )
    partner_org = PartnerOrgChoiceField(
        label=_("Or for one partner organisation"),
        required=False,
        help_text=_("A partner's own cadence beats its type's."),
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportingCadence.Frequency.choices)
    day_of_month = forms.IntegerField(
        label=_("Monthly: due by day"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("31 means the last day of every month."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekly: due on"),
        choices=BLANK + ReportingCadence.Weekday.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    days_after_quarter_end = forms.IntegerField(
        label=_("Quarterly: due days after the fiscal quarter ends"),
        min_value=0,
        max_value=MAX_DAYS_AFTER_QUARTER_END,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_kind"].choices = report_kind_choices()
        self.fields["partner_org"].queryset = PartnerOrg.objects.order_by("name")

    def cadence_fields(self):
        """The cleaned fields for the service: the chosen frequency's schedule field, the others left out."""
        data = dict(self.cleaned_data)
        data["partner_type"] = data["partner_type"] or ""
        schedule_field = SCHEDULE_FIELDS[data["frequency"]][0]
        for field, *_bounds in SCHEDULE_FIELDS.values():
            if field != schedule_field:
                data.pop(field)
        return data


def initial_of(cadence):
    return {field: getattr(cadence, field) for field in CadenceForm.base_fields}
