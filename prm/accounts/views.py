from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from prm.accounts import selectors, services
from prm.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    PartnerOrgForm,
    ProfileForm,
    ReasonForm,
)
from prm.accounts.middleware import SESSION_INVITATION_KEY
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import (
    can_invite_users,
    can_manage_membership,
    can_manage_partner_orgs,
    member_required,
    permission_required,
    vendor_staff_required,
)
from prm.forms import apply_domain_error
from prm.pages import paginate
from prm.services import DomainError
from prm.territories.selectors import partner_org_name_suggestions


@vendor_staff_required
def partner_org_list(request):
    filters = {k: request.GET.get(k, "") for k in ("search", "partner_type", "country", "status")}
    orgs = selectors.partner_org_list(viewer=request.membership, **filters)
    context = {
        "filters": filters,
        "types": PartnerOrg.Type.choices,
        "statuses": PartnerOrg.Status.choices,
        **paginate(request, orgs),
    }
    return render(request, "accounts/partner_org_list.html", context)


@permission_required(can_manage_partner_orgs)
def partner_org_create(request):
    form = PartnerOrgForm(request.POST or None, initial={"status": PartnerOrg.Status.ACTIVE})
    del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            org = services.partner_org_create(actor_membership=request.membership, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Partner organisation created."))
            return redirect("accounts:partner_org_detail", org.pk)
    return render(request, "accounts/partner_org_form.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def partner_org_detail(request, org_id):
    org = get_object_or_404(selectors.partner_org_list(viewer=request.membership), pk=org_id)
    can_edit = can_manage_partner_orgs(request.membership)
    initial = {
        "name": org.name,
        "partner_type": org.partner_type,
        "country": org.country,
        "status": org.status,
        "channel_manager": org.channel_manager,
    }
    form = PartnerOrgForm(request.POST or None, initial=initial)
    offered = {org.status, *services.PARTNER_ORG_STATUS.allowed_targets(org, request.membership)}
    form.fields["status"].choices = [c for c in PartnerOrg.Status.choices if c[0] in offered]
    members = list(selectors.visible_memberships(request.membership).filter(partner_org=org))
    if len(offered) > 1:
        form.fields["status"].help_text = _status_change_notice(org, members)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            try:
                services.partner_org_update(org=org, actor_membership=request.membership, reason=reason, **data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Partner organisation saved."))
                return redirect("accounts:partner_org_detail", org.pk)
    context = {
        "org": org,
        "form": form,
        "can_edit": can_edit,
        "members": members,
        "invitations": selectors.visible_invitations(request.membership).filter(partner_org=org),
    }
    return render(request, "accounts/partner_org_detail.html", context, status=400 if form.errors else 200)


def _status_change_notice(org, members):
    """What changing `org`'s status does to its users, said on the form before it is saved."""
    if org.status == PartnerOrg.Status.ACTIVE:
        count = sum(m.is_active for m in members)
        message = ngettext(
            "Deactivating %(org)s switches off its %(count)d active user; they can sign in again when it is "
            "reactivated.",
            "Deactivating %(org)s switches off its %(count)d active users; they can sign in again when it is "
            "reactivated.",
            count,
        )
    else:
        count = sum(m.deactivated_with_org for m in members)
        message = ngettext(
            "Reactivating %(org)s lets the %(count)d user its deactivation switched off sign in again; users whose "
            "access was removed one by one stay removed.",
            "Reactivating %(org)s lets the %(count)d users its deactivation switched off sign in again; users whose "
            "access was removed one by one stay removed.",
            count,
        )
    return message % {"org": org.name, "count": count}


@permission_required(can_invite_users)
def user_list(request):
    viewer = request.membership
    form = InvitationForm(request.POST or None, viewer=viewer, initial={"partner_org": request.GET.get("partner_org")})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor_membership=viewer,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                partner_org=form.cleaned_data.get("partner_org"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:user_list")
    search = request.GET.get("search", "")
    members = selectors.visible_memberships(viewer)
    if search:
        members = members.filter(user__email__icontains=search)
    context = {
        "form": form,
        "search": search,
        "invitations": selectors.visible_invitations(viewer)[:50],
        **paginate(request, members),
    }
    return render(request, "accounts/user_list.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(can_invite_users)
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(selectors.visible_invitations(request.membership), pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, actor_membership=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("accounts:user_list")


@permission_required(can_invite_users)
def membership_deactivate(request, membership_id):
    target = get_object_or_404(selectors.visible_memberships(request.membership), pk=membership_id)
    if not can_manage_membership(request.membership, target):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_deactivate(
                membership=target, actor_membership=request.membership, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Access removed for %(email)s.") % {"email": target.user.email})
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/membership_deactivate.html",
        {"target": target, "form": form},
        status=400 if form.errors else 200,
    )


def invitation_accept(request, token):
    """Public: the link from the invitation e-mail. An address without an account creates it here and is signed
    in (a new account has no second factor yet). An address that has an account is sent to the portal's normal
    sign-in (password, then its second factor) and comes back signed in to accept; a signed-in user accepts as
    themself. No password is ever checked here."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if invitation.status != "open":
        return render(request, "accounts/invitation_invalid.html", {"reason": invitation.status}, status=410)
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is None and services.invitation_account(invitation) is not None:
        return _sign_in_to_accept(request, invitation)
    form = AcceptInvitationForm(request.POST or None) if signed_in is None else None
    error, status = None, 200
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=signed_in,
                password=data.get("password1"),
                full_name=data.get("full_name", ""),
            )
        except DomainError as exc:
            error, status = exc.message, (403 if exc.status == 403 else 400)  # a page: refused, or bad input
            if form is not None:
                apply_domain_error(form, exc)
        else:
            request.session.pop(SESSION_INVITATION_KEY, None)
            if signed_in is None:
                login(request, membership.user, backend="prm.accounts.backends.TenantMemberBackend")
            messages.success(
                request, _("Welcome! You have joined %(portal)s.") % {"portal": request.tenant.display_name}
            )
            return redirect("portal:home")
    if form is not None and form.errors and status == 200:
        status = 400
    context = {"invitation": invitation, "form": form, "error": error}
    return render(request, "accounts/invitation_accept.html", context, status=status)


def _sign_in_to_accept(request, invitation):
    """The invitee has an account: sign in as it first. The session remembers the invitation, which lets that
    account (and no other) sign in here without a membership yet (TenantMemberBackend)."""
    request.session[SESSION_INVITATION_KEY] = str(invitation.pk)
    messages.info(
        request,
        _("%(email)s has an account already. Sign in with it to join %(portal)s.")
        % {"email": invitation.email, "portal": request.tenant.display_name},
    )
    return redirect_to_login(request.get_full_path())


@member_required
def profile(request):
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor_membership=request.membership, full_name=form.cleaned_data["full_name"])
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@member_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            form = ApiTokenForm()
    context = {"form": form, "tokens": selectors.api_tokens_of(request.user), "new_key": new_key}
    return render(request, "accounts/token_list.html", context, status=400 if form.errors else 200)


@require_POST
@member_required
def token_revoke(request, token_id):
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=token_id)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:token_list")


SUGGEST_TEXT_LIMIT = 200  # the longest partner name (PartnerOrg.name)


@member_required
def partner_org_suggest(request):
    """The picker's suggestions (prm.forms.PartnerOrgPicker): <option>s of the partner names in the viewer's scope
    containing the typed text, which htmx sends under the picker's field name."""
    text = next(iter(request.GET.values()), "")
    if len(text) > SUGGEST_TEXT_LIMIT or "\x00" in text:
        return HttpResponseBadRequest(_("Type at most 200 characters."))
    names = partner_org_name_suggestions(request.membership, text) if text.strip() else []
    return render(request, "accounts/_partner_org_options.html", {"names": names})
