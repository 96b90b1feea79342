from django.contrib.auth import logout
from django.db import transaction

from prm.accounts.models import Membership
from prm.accounts.selectors import open_invitations

SESSION_TENANT_KEY = "prm_tenant_id"
# The invitation whose link this session opened before signing in: its invitee may sign in here to accept it.
SESSION_INVITATION_KEY = "prm_invitation_id"


def invitation_in_session(request):
    """The open invitation of the request's tenant whose link this session followed to sign in, or None."""
    invitation_id = request.session.get(SESSION_INVITATION_KEY)
    if invitation_id is None or getattr(request, "tenant", None) is None:
        return None
    return open_invitations().filter(pk=invitation_id).first()


def invitation_being_accepted(request, user):
    """The invitation in this session if it was sent to `user`'s e-mail, or None."""
    invitation = invitation_in_session(request)
    return invitation if invitation is not None and invitation.email == user.email.lower() else None


class MembershipMiddleware:
    """Attaches `request.membership`: the user's active membership in the request's tenant, or None.

    A session is bound to the tenant it signed in on; a session presented on another tenant's host, or
    whose membership was deactivated, is signed out. Signing in on one tenant never grants anything on
    another's. An invitee who signed in to accept an invitation keeps a session without membership until they
    accept (every page but the invitation's answers 403 meanwhile).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            with transaction.atomic():  # the user's and the membership's reads in one transaction: one tenant SET
                self._attach_membership(request, tenant)
        return self.get_response(request)

    @staticmethod
    def _attach_membership(request, tenant):
        if request.user.is_authenticated:
            bound_tenant = request.session.get(SESSION_TENANT_KEY)
            membership = (
                Membership.objects.select_related("partner_org", "user")
                .filter(user=request.user, is_active=True)
                .first()
            )
            if bound_tenant is not None and bound_tenant != str(tenant.pk):
                logout(request)
            elif membership is not None:
                request.membership = membership
            elif invitation_being_accepted(request, request.user) is None:
                logout(request)
