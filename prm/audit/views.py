from django import forms
from django.shortcuts import render

from prm.accounts.permissions import can_read_audit, permission_required
from prm.audit.selectors import audit_event_list, audit_object_types
from prm.forms import StyledForm
from prm.pages import paginate


class AuditFilterForm(StyledForm):
    action = forms.CharField(required=False)
    object_type = forms.ChoiceField(required=False)
    object_id = forms.CharField(required=False, max_length=64)
    actor_email = forms.CharField(required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "—")] + [(t, t) for t in audit_object_types()]


@permission_required(can_read_audit)
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(**{k: v for k, v in filters.items() if v})
    return render(
        request,
        "audit/event_list.html",
        {"form": form, **paginate(request, events, per_page=50)},
        status=400 if form.errors else 200,
    )
