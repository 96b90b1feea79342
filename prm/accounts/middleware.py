from django.contrib.auth import logout

from prm.accounts.models import Membership

SESSION_TENANT_KEY = "prm_tenant_id"


class MembershipMiddleware:
    """Attaches `request.membership`: the user's active membership in the request's tenant, or None.

    A session is bound to the tenant it signed in on; a session presented on another tenant's host, or
    whose membership was deactivated, is signed out. Signing in on one tenant never grants anything on
    another's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request.user.is_authenticated:
            bound_tenant = request.session.get(SESSION_TENANT_KEY)
            membership = (
                Membership.objects.select_related("partner_org", "user")
                .filter(user=request.user, is_active=True)
                .first()
            )
            if membership is None or (bound_tenant is not None and bound_tenant != str(tenant.pk)):
                logout(request)
            else:
                request.membership = membership
        return self.get_response(request)
