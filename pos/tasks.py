from celery import shared_task

from pos.services.imports import pos_import_run, pos_imports_requeue_stalled
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def run_pos_import(*, tenant_id, import_id):
    pos_import_run(import_id=import_id)


@shared_task
def requeue_stalled_pos_imports():
    """Beat, platform level: for each active tenant, send again the imports whose worker died."""
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE):
        with tenant_scope(tenant):
            pos_imports_requeue_stalled()
