"""URLs of the platform operator's host (PRM_PLATFORM_HOST): the Django admin and a health check."""

from django.contrib import admin
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import path


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

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]
