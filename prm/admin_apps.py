from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin whose `admin.site` is the operators' site (prm/admin_site.py: TOTP required)."""

    default_site = "prm.admin_site.PlatformAdminSite"
