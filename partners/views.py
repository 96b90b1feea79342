"""The partner program's pages: the public "become a partner" page and the staff's application queue."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners import selectors
from partners.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    DeclineForm,
    ProgramSettingsForm,
    TierForm,
    TierOverrideForm,
)
from partners.selectors import possible_duplicates
from partners.services.applications import application_approve, application_decline, application_submit
from partners.services.tiers import (
    program_settings_update,
    snapshot_values,
    tier_create,
    tier_override,
    tier_update,
    tiers_evaluate,
)
from partners.throttling import may_send_application
from prm.accounts.permissions import (
    can_configure_tenant,
    can_manage_partner_orgs,
    can_review_applications,
    is_channel_manager,
    is_member,
    is_partner,
    permission_required,
)
from prm.exports import table_response
from prm.forms import apply_domain_error
from prm.pages import paginate, sort_headings
from prm.services import DomainError
from prm.territories.selectors import partner_orgs_in_scope

FIRST_SORT_DIRECTION = {"submitted": "-", "company": "", "country": ""}


# --- the public page -------------------------------------------------------------------------------------------


def apply(request):
    """Public, on the tenant's own host and in its branding: a company applies to become a partner."""
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot():
            return redirect("partners:apply_thanks")  # told nothing: a bot learns no rule to get round
        if not may_send_application(request):
            form.add_error(None, _("Too many applications were sent from your address: try again in an hour."))
            return render(request, "partners/apply.html", {"form": form}, status=429)
        try:
            application_submit(**_application_fields(form.cleaned_data), submitted_from=_client_address(request))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("partners:apply_thanks")
    return render(request, "partners/apply.html", {"form": form}, status=400 if form.errors else 200)


def _application_fields(data):
    return {name: value for name, value in data.items() if name != "company_fax"}


def _client_address(request):
    return request.META.get("REMOTE_ADDR") or None


def apply_thanks(request):
    return render(request, "partners/apply_thanks.html")


# --- the staff's queue -----------------------------------------------------------------------------------------


def _filters(request):
    """The queue's filter form and its filters (waiting applications by default; "all" statuses is "")."""
    data = request.GET if "status" in request.GET else {**request.GET.dict(), "status": "submitted"}
    form = ApplicationFilterForm(data)
    given = form.cleaned_data if form.is_valid() else {"status": "submitted", "search": ""}
    return form, {"status": given["status"], "search": given["search"], "sort": request.GET.get("sort", "")}


@permission_required(can_review_applications)
def application_list(request):
    form, filters = _filters(request)
    rows = selectors.application_list(request.membership, **filters)
    context = {
        "form": form,
        "sort_headings": sort_headings(request, filters["sort"], FIRST_SORT_DIRECTION),
        **paginate(request, rows),
    }
    matches = possible_duplicates(context["page_obj"].object_list)
    for application in context["page_obj"].object_list:
        application.matches = matches[application.pk]
    return render(request, "partners/application_list.html", context, status=400 if form.errors else 200)


@permission_required(can_review_applications)
def application_export(request, file_format="csv"):
    _form, filters = _filters(request)
    rows = selectors.application_list(request.membership, **filters)
    header, table = selectors.applications_table(rows)
    back = f"{reverse('partners:application_list')}?{request.GET.urlencode()}"
    return table_response(request, "partner-applications", file_format, rows.count(), header, table, back)


def _visible_application(request, application_id):
    return get_object_or_404(selectors.application_list(request.membership, status=""), pk=application_id)


@permission_required(can_review_applications)
def application_detail(request, application_id, approve_form=None, decline_form=None, status=200):
    application = _visible_application(request, application_id)
    initial = {"name": application.company_name, "partner_type": application.partner_type}
    if is_channel_manager(request.membership):
        initial["channel_manager"] = request.membership.pk
    context = {
        "application": application,
        "matches": possible_duplicates([application])[application.pk],
        "approve_form": approve_form or ApproveForm(initial=initial),
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "partners/application_detail.html", context, status=status)


@require_POST
@permission_required(can_review_applications)
def application_approve_view(request, application_id):
    application = _visible_application(request, application_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            application_approve(
                actor_membership=request.membership,
                application=application,
                channel_manager=form.cleaned_data["channel_manager"],
                name=form.cleaned_data["name"],
                partner_type=form.cleaned_data["partner_type"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(company)s is a partner now; %(email)s is invited as its partner admin.")
                % {"company": form.cleaned_data["name"], "email": application.contact_email},
            )
            return redirect("partners:application_detail", application_id=application.pk)
    return application_detail(request, application_id, approve_form=form, status=400)


@require_POST
@permission_required(can_review_applications)
def application_decline_view(request, application_id):
    application = _visible_application(request, application_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            application_decline(
                actor_membership=request.membership, application=application, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(company)s's application is declined; the reason was e-mailed to %(email)s.")
                % {"company": application.company_name, "email": application.contact_email},
            )
            return redirect("partners:application_detail", application_id=application.pk)
    return application_detail(request, application_id, decline_form=form, status=400)


# --- tiers -----------------------------------------------------------------------------------------------------


@permission_required(is_member)
def tier_list(request, settings_form=None, status=200):
    """Vendor staff: every tier, its track and how many partners hold it. A partner: the tiers of its own track,
    best first, with where it stands (the counts of other partners are not its business)."""
    if is_partner(request.membership):
        org = request.membership.partner_org
        context = {"track": selectors.tier_tracks(list(selectors.tier_list()))[org.partner_type]}
        return render(request, "partners/partner_tiers.html", {**context, "status": selectors.tier_status(org)})
    tiers = list(selectors.tier_list())
    tracks, counts = selectors.track_labels(tiers), selectors.partners_per_tier()
    for tier in tiers:
        tier.track, tier.partner_count = tracks[tier.pk], counts.get(tier.pk, 0)
    context = {
        "tiers": tiers,
        "settings_form": settings_form
        or ProgramSettingsForm(initial={"tier_grace_days": selectors.program_settings().tier_grace_days}),
    }
    return render(request, "partners/tier_list.html", context, status=status)


def _tier_fields(data):
    return {**data, "partner_types": list(data["partner_types"])}


@permission_required(can_configure_tenant)
def tier_edit(request, tier_id=None):
    tier = get_object_or_404(selectors.tier_list(), pk=tier_id) if tier_id else None
    initial = snapshot_values(tier) if tier else {}
    form = TierForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if tier is None:
                tier = tier_create(actor_membership=request.membership, **_tier_fields(form.cleaned_data))
            else:
                tier = tier_update(actor_membership=request.membership, tier=tier, **_tier_fields(form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Tier %(name)s saved. Re-evaluate to apply it now.") % {"name": tier.name})
            return redirect("partners:tier_list")
    context = {"form": form, "tier": tier}
    return render(request, "partners/tier_form.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(can_configure_tenant)
def tier_settings(request):
    form = ProgramSettingsForm(request.POST)
    if form.is_valid():
        program_settings_update(actor_membership=request.membership, **form.cleaned_data)
        messages.success(request, _("Grace period saved."))
        return redirect("partners:tier_list")
    return tier_list(request, settings_form=form, status=400)


@require_POST
@permission_required(can_configure_tenant)
def tier_evaluate(request):
    changes = tiers_evaluate(actor_membership=request.membership)
    messages.success(
        request,
        ngettext(
            "Every partner re-evaluated: %(count)d change.",
            "Every partner re-evaluated: %(count)d changes.",
            len(changes),
        )
        % {"count": len(changes)},
    )
    return redirect("partners:tier_list")


@require_POST
@permission_required(can_manage_partner_orgs)
def tier_override_view(request, partner_org_id):
    org = get_object_or_404(partner_orgs_in_scope(request.membership), pk=partner_org_id)
    form = TierOverrideForm(request.POST)
    if form.is_valid():
        try:
            tier_override(actor_membership=request.membership, partner_org=org, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(org)s is held at %(tier)s.") % {"org": org.name, "tier": form.cleaned_data["tier"]}
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("accounts:partner_org_detail", org.pk)


@permission_required(is_member)
def tier_history(request, partner_org_id=None):
    viewer = request.membership
    org = get_object_or_404(partner_orgs_in_scope(viewer), pk=partner_org_id) if partner_org_id else None
    context = {"org": org, **paginate(request, selectors.tier_history(viewer, partner_org=org))}
    return render(request, "partners/tier_history.html", context)
