from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_configure_tenant, permission_required
from prm.cadences import selectors, services
from prm.cadences.due_dates import next_due_date
from prm.cadences.forms import CadenceForm, initial_of
from prm.fiscal import tenant_today
from prm.forms import apply_domain_error
from prm.services import DomainError


@permission_required(can_configure_tenant)
def cadence_list(request):
    today = tenant_today(request.tenant)
    cadences = [(cadence, next_due_date(cadence, today)) for cadence in selectors.cadence_list()]
    return render(request, "cadences/cadence_list.html", {"cadences": cadences})


def _save(request, form, save, done):
    """Run `save(**fields)` for a valid form; the page again (400) with the refusal on the form otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cadence_fields())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("cadences:cadence_list")
    return render(request, "cadences/cadence_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(can_configure_tenant)
def cadence_create(request):
    def create(**fields):
        services.cadence_create(actor_membership=request.membership, **fields)

    return _save(request, CadenceForm(request.POST or None), create, _("Cadence saved."))


@permission_required(can_configure_tenant)
def cadence_edit(request, cadence_id):
    cadence = get_object_or_404(selectors.cadence_list(), pk=cadence_id)

    def update(**fields):
        services.cadence_update(actor_membership=request.membership, cadence=cadence, **fields)

    form = CadenceForm(request.POST or None, initial=initial_of(cadence))
    return _save(request, form, update, _("Cadence saved."))


@permission_required(can_configure_tenant)
def cadence_delete(request, cadence_id):
    cadence = get_object_or_404(selectors.cadence_list(), pk=cadence_id)
    if request.method == "POST":
        services.cadence_delete(actor_membership=request.membership, cadence=cadence)
        messages.success(request, _("Cadence deleted."))
        return redirect("cadences:cadence_list")
    return render(request, "cadences/cadence_delete.html", {"cadence": cadence})
