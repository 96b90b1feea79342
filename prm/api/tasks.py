from celery import shared_task

from prm.api.idempotency import purge_expired_keys
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant


@shared_task(acks_late=True)
def purge_expired_idempotency_keys():
    """Beat (daily), platform level: in each tenant (suspended ones too), delete the idempotency keys older than
    24 hours. Row-level security shows a statement only one tenant's rows, hence one scope per tenant."""
    for tenant in Tenant.objects.all():
        with tenant_scope(tenant):
            purge_expired_keys()
