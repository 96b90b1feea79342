from allauth.account.auth_backends import AuthenticationBackend

from prm.accounts.models import Membership


class TenantMemberBackend(AuthenticationBackend):
    """allauth's e-mail/password check, then: on a tenant's host only users with an active membership
    there may sign in; on the platform host only platform operators. The failure looks like a wrong
    password, so a portal never tells whether an address has an account elsewhere."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None:
            return None
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return user if user.is_staff else None
        if Membership.objects.filter(user=user, is_active=True).exists():
            return user
        return None
