from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from prm.accounts.permissions import member_required
from prm.notifications.selectors import inbox as inbox_of
from prm.notifications.services import notification_mark_read
from prm.pages import paginate


@member_required
def inbox(request):
    return render(request, "notifications/inbox.html", paginate(request, inbox_of(request.user)))


@require_POST
@member_required
def mark_read(request, notification_id=None):
    marked = notification_mark_read(user=request.user, notification_id=notification_id)
    if notification_id is not None and not marked and not inbox_of(request.user).filter(pk=notification_id).exists():
        raise Http404
    return redirect("notifications:inbox")
