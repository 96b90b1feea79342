from django.db.models import Count, Q
from django.utils import timezone

from prm.accounts import permissions
from prm.accounts.models import ApiToken, Invitation, Membership, Role
from prm.accounts.permissions import is_partner
from prm.territories.selectors import partner_orgs_in_scope


def partner_org_list(*, viewer, search="", partner_type="", country="", status="", channel_manager_id=None):
    """The partner organisations `viewer` may reach (a staff member limited to their territories sees theirs:
    prm.territories.selectors.partner_orgs_in_scope), filtered."""
    orgs = (
        partner_orgs_in_scope(viewer)
        .select_related("channel_manager__user")
        .order_by("name")
        .annotate(user_count=Count("memberships", filter=Q(memberships__is_active=True)))
    )
    if search:
        orgs = orgs.filter(name__icontains=search)
    if partner_type:
        orgs = orgs.filter(partner_type=partner_type)
    if country:
        orgs = orgs.filter(country=country.upper())
    if status:
        orgs = orgs.filter(status=status)
    if channel_manager_id:
        orgs = orgs.filter(channel_manager_id=channel_manager_id)
    return orgs


def channel_managers():
    """The memberships that may be named a partner organisation's channel manager."""
    return Membership.objects.select_related("user").filter(
        role__in=sorted(permissions.PARTNER_MANAGER_ROLES), is_active=True
    )


def visible_memberships(viewer):
    """Memberships `viewer` may see: vendor staff see everyone, partners their own organisation."""
    memberships = Membership.objects.select_related("user", "partner_org")
    if is_partner(viewer):
        return memberships.filter(partner_org_id=viewer.partner_org_id)
    return memberships


def visible_invitations(viewer):
    invitations = Invitation.objects.select_related("partner_org", "invited_by")
    if is_partner(viewer):
        return invitations.filter(partner_org_id=viewer.partner_org_id)
    return invitations


# Least powerful first: an invitation form offers (and defaults to) the role that grants the least.
ROLES_BY_POWER = [Role.PARTNER_USER, Role.PARTNER_ADMIN, Role.ANALYST, Role.CHANNEL_MANAGER, Role.VENDOR_ADMIN]


def invitable_roles(viewer):
    """[(value, label)] of the roles `viewer` may invite with, least powerful first."""
    allowed = permissions.invitable_roles(viewer)
    return [(r.value, r.label) for r in ROLES_BY_POWER if r in allowed]


def api_tokens_of(user):
    return ApiToken.objects.filter(user=user)


def open_invitations():
    return Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
