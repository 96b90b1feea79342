from celery import shared_task
from django.core.management import call_command

from prm.accounts.services import invitation_send_email
from prm.tenancy.tasks import TenantTask


@shared_task
def clear_expired_sessions():
    """Platform housekeeping (no tenant): delete expired sessions from the database."""
    call_command("clearsessions")


@shared_task(base=TenantTask)
def send_invitation_email(*, tenant_id, invitation_id):
    invitation_send_email(invitation_id=invitation_id)
