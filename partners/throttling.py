"""The rate limit of the public "become a partner" page and API: applications per sender address and tenant
(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner_applications"], from PRM_APPLICATION_RATE_LIMIT, 5 an hour by
default). One DRF throttle serves both: the page asks it before it accepts an application, the API as a throttle
class (429 `{"code": "throttled"}` with Retry-After). Its history lives in the default cache, whose keys carry the
tenant (prm.tenancy.cache); the address is the client's as DRF reads it (NUM_PROXIES)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ApplicationRateThrottle(SimpleRateThrottle):
    scope = "partner_applications"
    cache_format = "partner_applications:%(ident)s"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read at each request (prm.api.throttling)

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": self.get_ident(request)}

    def allow_request(self, request, view):
        # Only sending an application counts: the API's staff reads of the queue go by their own limits.
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


def may_send_application(request):
    """Whether this sender may send one more application now (and, when it may, counts it)."""
    return ApplicationRateThrottle().allow_request(request, None)
