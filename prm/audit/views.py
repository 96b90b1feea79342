from django import forms
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.permissions import can_read_audit, permission_required
from prm.audit import registry
from prm.audit.display import action_sentence, describe_events
from prm.audit.models import AuditEvent
from prm.audit.selectors import audit_event_list
from prm.forms import DateRangeFilterForm, IsoDateField
from prm.pages import paginate
from prm.tenancy.context import require_current_tenant

EVENTS_PER_PAGE = 50


def action_choices():
    """Every registered action by its sentence ("Changed product …"), alphabetically."""
    labelled = []
    for action in registry.audit_actions():
        text, _html = action_sentence(AuditEvent(action=action.code), "…")
        labelled.append((action.code, text))
    return sorted(labelled, key=lambda choice: choice[1].lower())


def object_type_choices():
    kinds = ((kind.object_type, capfirst(str(kind.label))) for kind in registry.audit_object_types())
    return sorted(kinds, key=lambda choice: choice[1].lower())


class AuditFilterForm(DateRangeFilterForm):
    actor = forms.CharField(
        label=gettext_lazy("Who"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name or e-mail")}),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    object_name = forms.CharField(label=gettext_lazy("Object name"), required=False, max_length=255)
    date_from = IsoDateField(label=gettext_lazy("From"), required=False)
    date_to = IsoDateField(label=gettext_lazy("To"), required=False)
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)  # an object's "History"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action"))] + action_choices()
        self.fields["object_type"].choices = [("", _("Any type"))] + object_type_choices()


@permission_required(can_read_audit)
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and valid else {}
    # A filter that cannot be read lists nothing, beside its message.
    events = audit_event_list(**filters) if valid else AuditEvent.objects.none()
    page = paginate(request, events, per_page=EVENTS_PER_PAGE)
    rows = describe_events(page["page_obj"], viewer=request.membership) if valid else []
    history_of = filters.get("object_id", "")
    context = {
        "form": form,
        **page,
        "rows": rows,
        "time_zone": require_current_tenant().time_zone,
        "history_name": rows[0].object_name if history_of and rows else "",
        "history_of": history_of,
    }
    return render(request, "audit/event_list.html", context, status=200 if valid else 400)
