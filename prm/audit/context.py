from contextvars import ContextVar

request_ip = ContextVar("request_ip", default=None)


class AuditContextMiddleware:
    """Makes the client's IP address available to audit records written while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)
