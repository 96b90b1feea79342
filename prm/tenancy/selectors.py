from django.db.models.functions import Lower

from prm.tenancy.models import Domain


def tenant_for_host(host):
    """The active tenant served on `host` (any letter case), or None. Domain and Tenant are platform tables
    (no RLS). The lookup is on lower(host), which the unique index `domain_host_unique_ci` serves."""
    domain = Domain.objects.select_related("tenant").alias(host_ci=Lower("host")).filter(host_ci=host.lower()).first()
    if domain is None or not domain.tenant.is_active:
        return None
    return domain.tenant
