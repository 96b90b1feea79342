"""Every role check of the portal, in one place.

A request carries `request.membership` (set by MembershipMiddleware): the signed-in user's active role in
the request's tenant, or None. Pages use the decorators, the API the DRF permission classes; services use
the predicates. What a partner may see is narrowed further by selectors to its own organisation.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from prm.accounts.models import PARTNER_ROLES, VENDOR_ROLES, Role

CAN_MANAGE_PARTNER_ORGS = frozenset({Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER})
CAN_MANAGE_CATALOG = frozenset({Role.VENDOR_ADMIN})
CAN_CONFIGURE_TENANT = frozenset({Role.VENDOR_ADMIN})
CAN_READ_AUDIT = frozenset({Role.VENDOR_ADMIN})
CAN_INVITE_STAFF = frozenset({Role.VENDOR_ADMIN})
CAN_INVITE_PARTNER_USERS = frozenset({Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN})


def has_role(membership, roles):
    return membership is not None and membership.is_active and membership.role in roles


def is_vendor_staff(membership):
    return has_role(membership, VENDOR_ROLES)


def is_partner(membership):
    return has_role(membership, PARTNER_ROLES)


def can_invite(membership, *, role, partner_org=None):
    """Vendor admins invite anyone; channel managers invite partner users; partner admins invite
    partner users of their own organisation only."""
    if membership is None or not membership.is_active:
        return False
    if membership.role == Role.VENDOR_ADMIN:
        return True
    if role not in PARTNER_ROLES or partner_org is None:
        return False
    if membership.role == Role.CHANNEL_MANAGER:
        return True
    return membership.role == Role.PARTNER_ADMIN and partner_org.pk == membership.partner_org_id


def can_manage_membership(actor, target):
    """Who may deactivate whom: vendor admins anyone, channel managers partner users, partner admins
    the users of their own organisation. Nobody removes themselves."""
    if actor is None or not actor.is_active or actor.pk == target.pk:
        return False
    if actor.role == Role.VENDOR_ADMIN:
        return True
    if target.role not in PARTNER_ROLES:
        return False
    if actor.role == Role.CHANNEL_MANAGER:
        return True
    return actor.role == Role.PARTNER_ADMIN and target.partner_org_id == actor.partner_org_id


def role_required(roles):
    """View decorator: signed in with an active membership of one of `roles` in this tenant, else 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(getattr(request, "membership", None), roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = role_required(VENDOR_ROLES | PARTNER_ROLES)
vendor_staff_required = role_required(VENDOR_ROLES)
