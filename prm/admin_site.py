"""The platform operator's Django admin (served on PRM_PLATFORM_HOST only, prm/urls_platform.py).

Operators sign in through allauth like everyone else — the failed-login throttle and the TOTP stage included
(`secure_admin_login` sends the admin's login to allauth's). allauth has no "second factor required" switch, so
this site adds it: an operator without a TOTP authenticator is sent to set one up and is refused every admin
page until one exists; an operator with one has passed allauth's TOTP stage to be signed in at all."""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def has_totp(user):
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


class PlatformAdminSite(AdminSite):
    site_header = "PRM platform"

    def has_permission(self, request):
        return super().has_permission(request) and has_totp(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not has_totp(user):
            messages.warning(request, _("Platform operators need two-factor authentication: set up TOTP first."))
            return redirect("mfa_activate_totp")
        return secure_admin_login(super().login)(request, extra_context)
