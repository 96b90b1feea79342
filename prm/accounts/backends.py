from allauth.account.auth_backends import AuthenticationBackend

from prm.accounts.middleware import invitation_being_accepted
from prm.accounts.models import Membership


def may_sign_in_here(user, tenant):
    """Who may use a host's sign-in and password reset: on a tenant's host the users with an active membership
    there (the request's tenant scope), on the platform host only platform operators."""
    if tenant is None:
        return user.is_staff
    return Membership.objects.filter(user=user, is_active=True).exists()


class TenantMemberBackend(AuthenticationBackend):
    """allauth's e-mail/password check, then `may_sign_in_here` — or, on a tenant's host, the invitee of the
    invitation whose link this session opened (an existing account accepts an invitation only after this normal
    sign-in, second factor included). The failure looks like a wrong password, so a portal never tells whether an
    address has an account elsewhere."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None:
            return None
        if may_sign_in_here(user, getattr(request, "tenant", None)) or invitation_being_accepted(request, user):
            return user
        return None
