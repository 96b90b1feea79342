import datetime

from celery import shared_task
from celery.signals import worker_ready
from django.db import connection

from pos.services.imports import pos_import_run, pos_imports_requeue_stalled
from pos.services.rollup import rollup_recompute_fx
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def run_pos_import(*, tenant_id, import_id):
    pos_import_run(import_id=import_id)


@shared_task(base=TenantTask)
def recompute_rollup_fx(*, tenant_id, currencies, valid_from):
    """The sales rollup's reporting amounts after FX rates changed (idempotent: absolute values from the lines)."""
    rollup_recompute_fx(currencies=currencies, valid_from=datetime.date.fromisoformat(valid_from))


@shared_task
def requeue_stalled_pos_imports():
    """Beat (every 30 seconds), platform level: for each active tenant, send again the imports whose worker died."""
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE):
        with tenant_scope(tenant):
            pos_imports_requeue_stalled()


@worker_ready.connect
def resume_orphaned_pos_imports(**_):
    """A worker that starts — often the one restarted after a crash — sends again at once the imports whose worker
    died, without waiting for the beat job. It runs in the worker's main process, whose database connection is
    closed afterwards so that no pool process forked later shares it."""
    try:
        requeue_stalled_pos_imports()
    finally:
        connection.close()
