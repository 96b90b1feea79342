from rest_framework.permissions import BasePermission

from prm.accounts.permissions import is_member


def _membership(request):
    return getattr(request._request, "membership", None)


class IsTenantMember(BasePermission):
    """Any active member of the request's tenant."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and is_member(_membership(request))


def predicate_permission(predicate, *, read=None):
    """A permission class allowing members for whom `predicate` holds to write and those for whom `read`
    (default: `predicate`) holds to read. The predicates come from prm.accounts.permissions."""
    read = read or predicate

    class PredicatePermission(IsTenantMember):
        def has_permission(self, request, view):
            if not request.user.is_authenticated:
                return False
            allowed = read if request.method in ("GET", "HEAD", "OPTIONS") else predicate
            return allowed(_membership(request))

    PredicatePermission.__name__ = "PredicatePermission"
    return PredicatePermission
