from celery import shared_task

from prm.notifications.services import notification_send_email
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def send_notification_email(*, tenant_id, notification_id):
    notification_send_email(notification_id=notification_id)
