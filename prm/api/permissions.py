from rest_framework.permissions import BasePermission

from prm.accounts.models import PARTNER_ROLES, VENDOR_ROLES
from prm.accounts.permissions import has_role


def _membership(request):
    return getattr(request._request, "membership", None)


class IsTenantMember(BasePermission):
    """Any active member of the request's tenant."""

    roles = VENDOR_ROLES | PARTNER_ROLES

    def has_permission(self, request, view):
        return request.user.is_authenticated and has_role(_membership(request), self.roles)


def role_permission(roles, *, read_roles=None):
    """A permission class allowing `roles` to write and `read_roles` (default: `roles`) to read."""
    read_roles = read_roles or roles

    class RolePermission(IsTenantMember):
        def has_permission(self, request, view):
            if not request.user.is_authenticated:
                return False
            allowed = read_roles if request.method in ("GET", "HEAD", "OPTIONS") else roles
            return has_role(_membership(request), allowed)

    RolePermission.__name__ = "RolePermission"
    return RolePermission
