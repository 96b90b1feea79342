from prm.notifications.models import Notification


def inbox(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
