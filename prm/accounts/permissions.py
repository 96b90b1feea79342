"""Every role check of the portal, in one place: which roles hold which capability, one predicate per capability.

A request carries `request.membership` (set by MembershipMiddleware): the signed-in user's active role in
the request's tenant, or None. Services take the acting membership and call a predicate through `require`
(a refusal is a DomainError `forbidden`, 403); pages use `permission_required(predicate)` and the API
`prm.api.permissions.predicate_permission(predicate)` with the same predicates, so a page, an API route and the
service behind them cannot disagree. What a partner may see is narrowed further by selectors to its own
organisation.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from prm.accounts.models import PARTNER_ROLES, VENDOR_ROLES, Role
from prm.services import DomainError

MEMBER_ROLES = VENDOR_ROLES | PARTNER_ROLES
# Vendor staff who work on every partner's behalf: manage partner organisations, own partner accounts as their
# channel manager, send and map a partner's data, invite its users.
PARTNER_MANAGER_ROLES = frozenset({Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER})
USER_INVITER_ROLES = PARTNER_MANAGER_ROLES | {Role.PARTNER_ADMIN}
VENDOR_ADMIN_ROLES = frozenset({Role.VENDOR_ADMIN})


def has_role(membership, roles):
    return membership is not None and membership.is_active and membership.role in roles


def require(allowed, message=None):
    """Refuse the use case unless `allowed` (a predicate's answer): DomainError `forbidden`, status 403."""
    if not allowed:
        raise DomainError(message or _("Your role may not do this."), code="forbidden", status=403)


# --- who someone is ------------------------------------------------------------------------------------------


def is_member(membership):
    return has_role(membership, MEMBER_ROLES)


def is_vendor_staff(membership):
    return has_role(membership, VENDOR_ROLES)


def is_partner(membership):
    return has_role(membership, PARTNER_ROLES)


def is_channel_manager(membership):
    """A channel manager: their home page is about their own partners, not the whole channel."""
    return has_role(membership, {Role.CHANNEL_MANAGER})


def sees_whole_channel(membership):
    """Vendor staff whose home page is about every partner they may reach (and the tenant's figures): all but
    channel managers, whose home is about their own partners."""
    return is_vendor_staff(membership) and not is_channel_manager(membership)


# --- capabilities --------------------------------------------------------------------------------------------


def can_manage_partner_orgs(membership):
    return has_role(membership, PARTNER_MANAGER_ROLES)


def can_review_applications(membership):
    """Who reviews the applications of the "become a partner" page: approving one creates the partner organisation
    and invites its applicant, so the staff who manage partner organisations."""
    return has_role(membership, PARTNER_MANAGER_ROLES)


def can_be_channel_manager(membership):
    """Who may be named a partner organisation's channel manager."""
    return has_role(membership, PARTNER_MANAGER_ROLES)


def can_act_for_any_partner(membership):
    """Vendor staff who send and map data on any partner's behalf (a partner acts for its own organisation)."""
    return has_role(membership, PARTNER_MANAGER_ROLES)


def can_send_partner_data(membership):
    """Partners for their own organisation, and the vendor staff who act for any partner."""
    return is_partner(membership) or can_act_for_any_partner(membership)


def can_post_to_ledger(membership):
    """Vendor staff who may move a partner's money in the ledger (accrue, approve, pay, reverse); a module's
    service that posts for its own use case (an MDF claim's approval) checks its own predicate too."""
    return has_role(membership, PARTNER_MANAGER_ROLES)


def can_manage_catalog(membership):
    return has_role(membership, VENDOR_ADMIN_ROLES)


def can_read_catalogue(membership):
    """Who looks the vendor's products up: vendor staff (every product) and partners (the active ones, read only;
    prm.catalog.selectors narrows them)."""
    return is_member(membership)


def can_configure_tenant(membership):
    return has_role(membership, VENDOR_ADMIN_ROLES)


def can_read_audit(membership):
    return has_role(membership, VENDOR_ADMIN_ROLES)


def can_manage_fx_rates(membership):
    """Who enters and uploads the tenant's FX rates (vendor staff read them)."""
    return has_role(membership, VENDOR_ADMIN_ROLES)


def can_manage_territories(membership):
    """Who defines territories, assigns partner organisations and staff to them and limits staff to theirs."""
    return has_role(membership, VENDOR_ADMIN_ROLES)


def can_invite_users(membership):
    """Who may open the users page and invite someone at all (`can_invite` says whom)."""
    return has_role(membership, USER_INVITER_ROLES)


def invitable_roles(membership):
    """The roles `membership` may invite someone with: vendor admins any, the other inviters partner roles."""
    if has_role(membership, VENDOR_ADMIN_ROLES):
        return frozenset(Role)
    if can_invite_users(membership):
        return PARTNER_ROLES
    return frozenset()


def can_invite(membership, *, role, partner_org=None):
    """Vendor admins invite anyone; channel managers invite partner users; partner admins invite
    partner users of their own organisation only."""
    if role not in invitable_roles(membership):
        return False
    if role in VENDOR_ROLES:
        return True
    return partner_org is not None and (not is_partner(membership) or partner_org.pk == membership.partner_org_id)


def can_manage_membership(actor, target):
    """Who may deactivate whom: vendor admins anyone, channel managers partner users, partner admins
    the users of their own organisation. Nobody removes themselves."""
    if not is_member(actor) or actor.pk == target.pk:
        return False
    if actor.role == Role.VENDOR_ADMIN:
        return True
    if target.role not in PARTNER_ROLES:
        return False
    if actor.role == Role.CHANNEL_MANAGER:
        return True
    return actor.role == Role.PARTNER_ADMIN and target.partner_org_id == actor.partner_org_id


# --- pages ---------------------------------------------------------------------------------------------------


def permission_required(predicate):
    """View decorator: signed in, and `predicate(request.membership)` holds in this tenant, else 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(getattr(request, "membership", None)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = permission_required(is_member)
vendor_staff_required = permission_required(is_vendor_staff)


def capabilities(membership):
    """What the navigation and pages offer `membership` (templates read these instead of role names)."""
    return {
        "can_manage_partner_orgs": can_manage_partner_orgs(membership),
        "can_review_applications": can_review_applications(membership),
        "can_manage_catalog": can_manage_catalog(membership),
        "can_read_catalogue": can_read_catalogue(membership),
        "can_configure_tenant": can_configure_tenant(membership),
        "can_read_audit": can_read_audit(membership),
        "can_manage_territories": can_manage_territories(membership),
        "can_invite_users": can_invite_users(membership),
    }
