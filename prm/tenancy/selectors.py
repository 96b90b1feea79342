from prm.tenancy.models import Domain


def tenant_for_host(host):
    """The active tenant served on `host`, or None. Domain and Tenant are platform tables (no RLS)."""
    domain = Domain.objects.select_related("tenant").filter(host=host).first()
    if domain is None or not domain.tenant.is_active:
        return None
    return domain.tenant
