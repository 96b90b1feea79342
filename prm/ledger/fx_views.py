"""FX rate pages: the list (vendor staff, with a conversion check), entering one rate and uploading a CSV file
(vendor admins)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_manage_fx_rates, permission_required, vendor_staff_required
from prm.forms import apply_domain_error
from prm.ledger import fx_selectors, fx_services
from prm.ledger.fx import convert
from prm.ledger.fx_forms import ConvertForm, FxRateForm, FxRatesImportForm
from prm.pages import paginate
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant


@vendor_staff_required
def fx_rate_list(request):
    pair = request.GET.get("pair", "")
    base_currency, _sep, quote_currency = pair.partition("-")
    rates = fx_selectors.fx_rate_list(base_currency=base_currency, quote_currency=quote_currency)
    convert_form, conversion = _conversion(request)
    context = {
        "pair": pair,
        "pairs": [f"{base}-{quote}" for base, quote in fx_selectors.fx_pairs()],
        "can_edit": can_manage_fx_rates(request.membership),
        "convert_form": convert_form,
        "conversion": conversion,
        **paginate(request, rates, per_page=50),
    }
    return render(request, "ledger/fx_rate_list.html", context, status=400 if convert_form.errors else 200)


def _conversion(request):
    """The conversion check's form and its answer (None until asked, or when refused: the form says why)."""
    if "amount" not in request.GET:
        initial = {"to": require_current_tenant().reporting_currency, "on": timezone.localdate()}
        return ConvertForm(initial=initial), None
    form = ConvertForm(request.GET)
    if not form.is_valid():
        return form, None
    given = form.cleaned_data
    try:
        return form, convert(given["amount"], given["currency"], to=given["to"], on=given["on"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return form, None


@permission_required(can_manage_fx_rates)
def fx_rate_create(request):
    form = FxRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fx_rate = fx_services.fx_rate_create(actor_membership=request.membership, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Rate added: %(rate)s.") % {"rate": fx_rate})
            return redirect("ledger:fx_rate_list")
    return render(request, "ledger/fx_rate_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(can_manage_fx_rates)
def fx_rates_import(request):
    """Upload a CSV file; the answer is the page of its per-line results."""
    form = FxRatesImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = fx_services.fx_rates_import_csv(
                actor_membership=request.membership, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return render(request, "ledger/fx_rates_import_result.html", {"result": result})
    return render(request, "ledger/fx_rates_import.html", {"form": form}, status=400 if form.errors else 200)
