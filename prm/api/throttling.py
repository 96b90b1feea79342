"""API rate limits per caller: an API token counts for itself, a browser session for its membership.

Two windows (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], from PRM_API_THROTTLE_BURST and PRM_API_THROTTLE_SUSTAINED):
a short `burst` one against floods and a long `sustained` one against a runaway integration. Over either, the API
answers 429 `{"code": "throttled", …}` with `Retry-After` (seconds). The request histories are in the default cache,
whose keys carry the request's tenant (prm.tenancy.cache); token and membership ids are unique across tenants anyway.
Unauthenticated requests are not counted: the API refuses them (401) before throttling.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from prm.accounts.models import ApiToken


class CallerRateThrottle(SimpleRateThrottle):
    cache_format = "api_throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        # Read at each request, not frozen at import as DRF's THROTTLE_RATES: a changed setting applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif getattr(request._request, "membership", None) is not None:
            ident = f"membership:{request._request.membership.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self):
        # DRF gives no wait when more requests are on record than the rate allows (the rate was lowered since):
        # the oldest one's expiry then, so a 429 always carries Retry-After.
        return super().wait() or self.duration - (self.now - self.history[-1])


class BurstRateThrottle(CallerRateThrottle):
    scope = "burst"


class SustainedRateThrottle(CallerRateThrottle):
    scope = "sustained"
