from rest_framework import viewsets


class TenantViewSet(viewsets.GenericViewSet):
    """Base of every API viewset. The tenant scope is already set by TenantMiddleware for the whole request
    (and token authentication only accepts this tenant's tokens); subclasses implement `scoped_queryset()`,
    which is only called inside a request and so always within a tenant."""

    lookup_field = "pk"
    lookup_value_converter = "uuid"

    @property
    def membership(self):
        return self.request._request.membership

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.all_tenants.none()  # schema generation only: the model, never rows
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError

    def filter_queryset(self, queryset):
        if self.action == "list" and self.paginator is not None:
            self.paginator.check_query(self.request)  # the schema's 400 before a filter's 422
        return super().filter_queryset(queryset)
