"""Territory pages: vendor staff read the tree, vendor admins change it, its assignments and the limits."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.accounts.permissions import can_manage_territories, permission_required, vendor_staff_required
from prm.forms import apply_domain_error
from prm.services import DomainError
from prm.territories import selectors, services
from prm.territories.forms import PartnerOrgAssignmentForm, StaffAssignmentForm, TerritoryForm, initial_of

manager_required = permission_required(can_manage_territories)


@vendor_staff_required
def territory_list(request):
    context = {
        "territories": selectors.territory_tree(),
        "limits": selectors.territory_limits(),
        "limit_form": StaffAssignmentForm(),
        "can_edit": can_manage_territories(request.membership),
    }
    return render(request, "territories/territory_list.html", context)


@manager_required
def territory_create(request):
    form = TerritoryForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            territory = services.territory_create(actor_membership=request.membership, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Territory created."))
            return redirect("territories:territory_detail", territory.pk)
    return render(request, "territories/territory_form.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def territory_detail(request, territory_id):
    territory = get_object_or_404(selectors.territory_list(), pk=territory_id)
    can_edit = can_manage_territories(request.membership)
    form = TerritoryForm(request.POST or None, territory=territory, initial=initial_of(territory))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.territory_update(actor_membership=request.membership, territory=territory, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Territory saved."))
                return redirect("territories:territory_detail", territory.pk)
    context = {
        "territory": territory,
        "form": form,
        "can_edit": can_edit,
        "ancestors": selectors.territory_list().filter(pk__in=selectors.ancestor_ids(territory.pk)),
        "partner_orgs": selectors.partner_orgs_of(territory, viewer=request.membership),
        "staff": territory.assigned_staff,
        "partner_org_form": PartnerOrgAssignmentForm(),
        "staff_form": StaffAssignmentForm(),
    }
    return render(request, "territories/territory_detail.html", context, status=400 if form.errors else 200)


def _run(request, use_case, success):
    """Run a service for a POST-only page and say how it went; the page redirects back either way."""
    try:
        use_case()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@require_POST
@manager_required
def territory_delete(request, territory_id):
    territory = get_object_or_404(selectors.territory_list(), pk=territory_id)
    try:
        services.territory_delete(actor_membership=request.membership, territory=territory)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("territories:territory_detail", territory.pk)
    messages.success(request, _("Territory deleted."))
    return redirect("territories:territory_list")


@require_POST
@manager_required
def territory_partner_orgs(request, territory_id):
    """Assign a partner organisation to the territory, or (with `remove`) unassign it."""
    territory = get_object_or_404(selectors.territory_list(), pk=territory_id)
    form = PartnerOrgAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a partner organisation."))
    else:
        use_case = (
            services.territory_unassign_partner_org
            if "remove" in request.POST
            else services.territory_assign_partner_org
        )
        org = form.cleaned_data["partner_org"]
        _run(
            request,
            lambda: use_case(actor_membership=request.membership, territory=territory, partner_org=org),
            _("%(org)s removed.") % {"org": org} if "remove" in request.POST else _("%(org)s added.") % {"org": org},
        )
    return redirect("territories:territory_detail", territory.pk)


@require_POST
@manager_required
def territory_staff(request, territory_id):
    """Assign a staff member to the territory, or (with `remove`) unassign them."""
    territory = get_object_or_404(selectors.territory_list(), pk=territory_id)
    form = StaffAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a staff member."))
    else:
        use_case = services.territory_unassign_staff if "remove" in request.POST else services.territory_assign_staff
        member = form.cleaned_data["membership"]
        _run(
            request,
            lambda: use_case(actor_membership=request.membership, territory=territory, membership=member),
            _("%(user)s removed.") % {"user": member.user}
            if "remove" in request.POST
            else _("%(user)s added.") % {"user": member.user},
        )
    return redirect("territories:territory_detail", territory.pk)


@require_POST
@manager_required
def territory_limit_create(request):
    form = StaffAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a staff member."))
    else:
        member = form.cleaned_data["membership"]
        _run(
            request,
            lambda: services.territory_limit_create(actor_membership=request.membership, membership=member),
            _("%(user)s now sees only the partner organisations of their territories.") % {"user": member.user},
        )
    return redirect("territories:territory_list")


@require_POST
@manager_required
def territory_limit_delete(request, limit_id):
    limit = get_object_or_404(selectors.territory_limits(), pk=limit_id)
    services.territory_limit_delete(actor_membership=request.membership, limit=limit)
    messages.success(request, _("%(user)s sees every partner organisation again.") % {"user": limit.membership.user})
    return redirect("territories:territory_list")
