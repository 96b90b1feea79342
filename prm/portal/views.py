from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import (
    can_configure_tenant,
    can_invite_users,
    is_channel_manager,
    is_partner,
    member_required,
    permission_required,
)
from prm.accounts.selectors import open_invitations
from prm.catalog.models import Product
from prm.files.models import StoredFile
from prm.files.services import stored_file_open
from prm.files.validation import UploadRejected
from prm.fiscal import current_quarter, fiscal_year_quarters
from prm.forms import apply_domain_error
from prm.pages import paginate
from prm.portal.forms import BrandingForm, FiscalCalendarForm
from prm.portal.hooks import offered_quick_actions, rendered_home_cards, todos
from prm.portal.selectors import PARTNER_TABLE_PAGE_PARAMETER, partner_table
from prm.services import DomainError
from prm.tenancy.services import tenant_update_branding, tenant_update_fiscal_calendar


@member_required
def bench_minimal(request):
    """The cheapest signed-in view: what every page pays before its own work (bench/pages.py, line (a))."""
    return HttpResponse("ok", content_type="text/plain")


@member_required
def bench_layout(request):
    """An empty page in the portal's layout (navigation, menus, branding): what the layout adds to (a)."""
    return render(request, "base.html")


@member_required
def bench_table(request):
    """The partner list's page of 25 partners built in memory, no query of its own: what a list page's template
    costs beside (a′) (bench/pages.py, line (a″))."""
    types, countries = PartnerOrg.Type.values, ["DE", "FR", "US", "GB", "NL"]
    orgs = [
        PartnerOrg(name=f"Partner {n:02d}", partner_type=types[n % len(types)], country=countries[n % 5])
        for n in range(25)
    ]
    for org in orgs:
        org.user_count = 3
    context = {
        **paginate(request, orgs),
        "filters": {},
        "types": PartnerOrg.Type.choices,
        "statuses": PartnerOrg.Status.choices,
    }
    return render(request, "accounts/partner_org_list.html", context)


@member_required
def home(request):
    membership = request.membership
    modules = {  # prm.modules' registries
        "cards": rendered_home_cards(request),
        "todos": todos(membership),
        "quick_actions": offered_quick_actions(membership),
    }
    if is_partner(membership):
        org = PartnerOrg.objects.select_related("channel_manager__user").get(pk=membership.partner_org_id)
        context = {
            **modules,
            "org": org,
            "announcements": rendered_home_cards(request, slot="announcements"),
            "colleagues": Membership.objects.filter(partner_org=org, is_active=True).select_related("user"),
        }
        return render(request, "portal/partner_home.html", context)
    context = {
        **modules,
        "partner_count": PartnerOrg.objects.count(),
        "active_partner_count": PartnerOrg.objects.filter(status=PartnerOrg.Status.ACTIVE).count(),
        "member_count": Membership.objects.filter(is_active=True).count(),
        "open_invitations": open_invitations().count(),
        "product_count": Product.objects.filter(active=True).count(),
        "may_list_users": can_invite_users(membership),  # the users page lists users and open invitations
        "own_partners_only": is_channel_manager(membership),
        "partner_table": partner_table(membership, request.GET.get(PARTNER_TABLE_PAGE_PARAMETER)),
        "page_parameter": PARTNER_TABLE_PAGE_PARAMETER,
    }
    return render(request, "portal/vendor_home.html", context)


@permission_required(can_configure_tenant)
def branding(request):
    tenant = request.tenant
    initial = {
        f: getattr(tenant, f)
        for f in ["portal_name", "primary_colour", "accent_colour", "email_sender_name", "email_sender_address"]
    }
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
        try:
            tenant_update_branding(
                tenant=tenant, actor_membership=request.membership, logo_upload=form.cleaned_data["logo"], **changes
            )
        except UploadRejected as exc:
            form.add_error("logo", exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        except ValidationError as exc:
            # The model's own limits (e.g. the 254-character sender column), shown on their fields.
            form.add_error(None, exc)
        else:
            messages.success(request, _("Branding saved."))
            return redirect("portal:branding")
    return render(request, "portal/branding.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(can_configure_tenant)
def fiscal_calendar(request):
    """The tenant's country and fiscal year, with this fiscal year's quarters as they fall."""
    tenant = request.tenant
    initial = {"country": tenant.country, "fiscal_year_start_month": tenant.fiscal_year_start_month}
    form = FiscalCalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tenant_update_fiscal_calendar(tenant=tenant, actor_membership=request.membership, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Fiscal calendar saved."))
            return redirect("portal:fiscal_calendar")
    quarter = current_quarter(tenant)
    context = {"form": form, "current_quarter": quarter, "quarters": fiscal_year_quarters(quarter)}
    return render(request, "portal/fiscal_calendar.html", context, status=400 if form.errors else 200)


def logo(request):
    """The tenant's logo, public on its own host (the sign-in page shows it)."""
    tenant = request.tenant
    stored = StoredFile.objects.filter(pk=tenant.logo_id).first() if tenant.logo_id else None
    if stored is None:
        raise Http404
    response = FileResponse(stored_file_open(stored), content_type=stored.content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
