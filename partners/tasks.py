from celery import shared_task

from partners.services.applications import application_send_email
from partners.services.tiers import tier_changes_notify, tiers_evaluate
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def send_application_email(*, tenant_id, application_id, kind):
    application_send_email(application_id=application_id, kind=kind)


@shared_task(base=TenantTask)
def notify_tier_changes(*, tenant_id, change_ids):
    tier_changes_notify(change_ids=change_ids)


@shared_task(base=TenantTask)
def evaluate_tiers(*, tenant_id):
    """The nightly evaluation of one tenant (partners/apps.py's beat entry queues one per tenant)."""
    tiers_evaluate()


@shared_task
def evaluate_tiers_of_every_tenant():
    """Beat (nightly), platform level: one evaluation task per active tenant (each retried on its own)."""
    for tenant_id in Tenant.objects.filter(status=Tenant.Status.ACTIVE).values_list("pk", flat=True):
        evaluate_tiers.delay(tenant_id=str(tenant_id))
