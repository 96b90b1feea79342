"""Refuse a NUL character in the query string, for every page and API path, before any view runs.

PostgreSQL cannot hold a NUL in text: a search or filter parameter carrying one (`?search=%00`) would reach
the database and fail there as an internal error. One check here answers 400 with a message instead (the
API's JSON error shape under /api/, the portal's 400 page elsewhere, plain text on the platform host), so no
view has to remember it."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _holds_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _holds_nul(request.GET):
            return self.get_response(request)
        message = _("The address holds a NUL character, which no search or filter accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "null_character", "detail": message}, status=400)
        if getattr(request, "tenant", None) is None:  # the platform host: plain, as its 403 and 404 (urls_platform)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return render(request, "400.html", {"message": message}, status=400)
