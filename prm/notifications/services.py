from django.db import transaction
from django.utils import timezone

from prm.notifications.email import portal_url, send_branded_email
from prm.notifications.models import Notification
from prm.tenancy.context import require_current_tenant


def notify(*, recipients, title, body="", link="", email=True):
    """Put a message in each recipient's inbox and queue its e-mail once the transaction commits."""
    from prm.notifications.tasks import send_notification_email

    tenant = require_current_tenant()
    created = [
        Notification.objects.create(recipient=user, title=title, body=body, link=link)
        for user in {u.pk: u for u in recipients if u is not None}.values()
    ]
    if email:
        for notification in created:
            transaction.on_commit(
                lambda pk=notification.pk: send_notification_email.delay(
                    tenant_id=str(tenant.pk), notification_id=str(pk)
                )
            )
    return created


@transaction.atomic
def notification_send_email(*, notification_id):
    """Send one notification's e-mail. At-least-once: the row is marked only after the send succeeded,
    and a notification already marked (or being sent by another worker) is skipped."""
    tenant = require_current_tenant()
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    send_branded_email(
        tenant=tenant,
        to=[notification.recipient.email],
        subject=notification.title,
        template="notifications/email/notification",
        context={"notification": notification, "link_url": portal_url(tenant, notification.link)},
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, user, notification_id=None):
    """Mark one (or, with no id, every) unread notification of `user` as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
