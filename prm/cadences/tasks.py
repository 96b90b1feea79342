from celery import shared_task

from prm.cadences.services import late_reports_notify
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant


@shared_task
def notify_late_reports():
    """Beat (daily), platform level: for each active tenant, remind the partners whose report is overdue."""
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE):
        with tenant_scope(tenant):
            late_reports_notify()
