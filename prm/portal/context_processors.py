from prm.accounts.permissions import capabilities, is_partner, is_vendor_staff
from prm.modules import nav_links
from prm.notifications.selectors import unread_count


def portal(request):
    """Branding, the viewer's side (vendor / partner), what the viewer may do (`can_…`, from
    prm.accounts.permissions) and the unread count for every template."""
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    return {
        # The platform host has no tenant and none of the portal's routes: its pages use a base of their own.
        "base_template": "base.html" if tenant is not None else "platform_base.html",
        "tenant": tenant,
        "membership": membership,
        "is_vendor_staff": is_vendor_staff(membership),
        "is_partner": is_partner(membership),
        "module_nav_links": (
            nav_links("vendor" if is_vendor_staff(membership) else "partner", membership) if membership else []
        ),
        "partner_menu_links": nav_links("vendor", membership, menu="partners") if is_vendor_staff(membership) else [],
        "unread_notifications": unread_count(request.user) if membership is not None else 0,
        **capabilities(membership),
    }
