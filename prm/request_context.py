"""A request id for every request, and the tenant and request id on every log line.

`RequestIdMiddleware` (first in MIDDLEWARE) takes the id a proxy sent in `X-Request-ID` when it is a short token
of safe characters (anything else could forge log lines), else makes one, and sends it back in the response's
`X-Request-ID`. `LogContextFilter` (on the log handler, settings.LOGGING) writes the current tenant's slug and the
request id into each record, so the 500 page's "the error was logged" can be found by tenant and request id.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpResponseServerError
from django.template import loader

from prm.tenancy.context import get_current_tenant

REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
NONE = "-"

_request_id = ContextVar("request_id", default=NONE)


def request_id_of(request):
    """The incoming `X-Request-ID` when it is safe to write into a log line, else a new random id."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class LogContextFilter(logging.Filter):
    """Adds `tenant` (the slug in scope, or "-") and `request_id` ("-" outside a request) to every record."""

    def filter(self, record):
        # django.request logs a 4xx/5xx answer after the middleware has left (its scope and id are reset then),
        # passing the request along: read them from it.
        request = getattr(record, "request", None)
        tenant = getattr(request, "tenant", None) or get_current_tenant()
        record.tenant = getattr(tenant, "slug", NONE)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


def server_error(request):
    """The 500 page, naming the request id under which the error was logged (no context processors: the
    error may come from one)."""
    body = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", NONE)})
    return HttpResponseServerError(body)
