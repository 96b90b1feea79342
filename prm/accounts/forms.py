import pycountry
from allauth.account.forms import LoginForm, ResetPasswordForm, UserTokenForm
from allauth.core import context as allauth_context
from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.backends import may_sign_in_here
from prm.accounts.middleware import invitation_in_session
from prm.accounts.models import Membership, PartnerOrg, Role
from prm.accounts.permissions import is_partner
from prm.accounts.selectors import channel_managers, invitable_roles
from prm.forms import PartnerOrgChoiceField, StyledForm
from prm.validators import no_control_characters

COUNTRY_CHOICES = [("", "—")] + sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} ({obj.get_role_display()})"


class PartnerOrgForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Type"), choices=PartnerOrg.Type.choices)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    status = forms.ChoiceField(label=_("Status"), choices=PartnerOrg.Status.choices)
    channel_manager = ManagerChoiceField(
        label=_("Channel manager"), queryset=Membership.all_tenants.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the change (kept in the audit log)"),
        required=False,
        max_length=500,
        help_text=_("Required to change the status."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_manager"].queryset = channel_managers()


ADMIN_ROLES = frozenset({Role.VENDOR_ADMIN, Role.PARTNER_ADMIN})  # asked to confirm before they are granted


class InvitationForm(StyledForm):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))
    partner_org = PartnerOrgChoiceField(
        label=_("Partner organisation"),
        required=False,
        help_text=_("Required for partner roles."),
    )

    confirm_admin = forms.BooleanField(
        label=_("I confirm: this person gets an admin role"),
        required=False,
        help_text=_("A vendor admin manages the whole portal; a partner admin manages their organisation's users."),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        choices = invitable_roles(viewer)
        self.fields["role"].choices = choices
        self.fields["role"].initial = choices[0][0] if choices else None  # the least powerful
        if is_partner(viewer):
            del self.fields["partner_org"]
        else:
            self.fields["partner_org"].queryset = PartnerOrg.objects.filter(status=PartnerOrg.Status.ACTIVE)

    def clean(self):
        data = super().clean()
        if data.get("role") in ADMIN_ROLES and not data.get("confirm_admin"):
            self.add_error("confirm_admin", _("Tick the box to grant an admin role, or choose another role."))
        return data


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AcceptInvitationForm(StyledForm):
    full_name = forms.CharField(label=_("Your name"), max_length=150, validators=[no_control_characters])
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ApiTokenForm(StyledForm):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. “CRM sync”."))


class ProfileForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, validators=[no_control_characters])


class TenantLoginForm(LoginForm):
    """allauth's sign-in form, with the invited address filled in when an invitation link sent the visitor here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invitation = invitation_in_session(self.request) if self.request is not None else None
        if invitation is not None:
            self.fields["login"].initial = invitation.email


def _may_sign_in_on_this_host(user):
    return may_sign_in_here(user, getattr(allauth_context.request, "tenant", None))


class TenantResetPasswordForm(ResetPasswordForm):
    """allauth's "forgot password" form, for the people who may sign in on this host only: anyone else (a
    member of another portal only, or nobody) gets the same "if an account exists…" answer and no e-mail, so a
    portal neither resets nor reveals another portal's accounts."""

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if _may_sign_in_on_this_host(user)]
        return email

    def save(self, request, **kwargs):
        if not self.users:
            return self.cleaned_data["email"]
        return super().save(request, **kwargs)


class TenantUserTokenForm(UserTokenForm):
    """The password-reset link's key works only on a host where its user may sign in: a key made on another
    portal (or for someone who left this one) is an invalid link here."""

    def _get_user(self, uidb36):
        user = super()._get_user(uidb36)
        return user if user is not None and _may_sign_in_on_this_host(user) else None
