"""URLs of the platform operator's host (PRM_PLATFORM_HOST): the Django admin, the operators' sign-in (allauth:
throttled, with TOTP; prm/admin_site.py) and a health check. Its pages extend platform_base.html, which links to
no tenant route."""

from django.contrib import admin
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import include, path
from django.views.generic import RedirectView


def health(request):
    return HttpResponse("ok", content_type="text/plain")


# The portal's 403/404 templates extend base.html, which links to tenant routes that this URLconf does not
# have (rendering them here raised NoReverseMatch, so every unknown path answered 500): plain answers instead.
def not_found(request, exception=None):
    return HttpResponseNotFound("Not found.", content_type="text/plain")


def forbidden(request, exception=None):
    return HttpResponseForbidden("Forbidden.", content_type="text/plain")


handler404 = not_found
handler403 = forbidden
handler500 = "prm.request_context.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="platform_home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("health/", health, name="health"),
]
