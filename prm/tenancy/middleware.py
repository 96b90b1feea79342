from django.conf import settings
from django.http import HttpResponseNotFound

from prm.tenancy.context import tenant_scope
from prm.tenancy.selectors import tenant_for_host


class TenantMiddleware:
    """Resolves the tenant from the request's host and holds it in scope for the whole request.

    The platform operator's host gets the platform URLconf and no tenant; any other host that matches
    no active tenant answers 404 before anything else runs. The API shares this scope (DRF views run
    inside it), and token authentication checks the token against this tenant.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host().rsplit(":", 1)[0].lower()
        if host == settings.PRM_PLATFORM_HOST:
            request.tenant = None
            request.urlconf = settings.PLATFORM_URLCONF
            return self.get_response(request)
        tenant = tenant_for_host(host)
        if tenant is None:
            return HttpResponseNotFound("No portal is served on this address.", content_type="text/plain")
        request.tenant = tenant
        with tenant_scope(tenant):
            return self.get_response(request)
