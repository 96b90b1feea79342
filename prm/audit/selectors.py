import datetime
import zoneinfo

from django.db.models import Q
from django.utils.translation import gettext as _

from prm.audit.models import AuditEvent
from prm.tenancy.context import require_current_tenant


def _start_of(day, zone):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def audit_event_list(
    *, action="", object_type="", actor="", object_name="", date_from=None, date_to=None, object_id=""
):
    """The tenant's audit events, newest first, narrowed by: the exact action and object type codes; the actor's
    name or e-mail (case-insensitive, part of it; "system" or its translation for events without one); the object's
    name as recorded (part of it); the days from `date_from` to `date_to` in the tenant's time zone; one object."""
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        actor = actor.strip()
        matches = Q(actor_label__icontains=actor) | Q(actor__full_name__icontains=actor)
        if actor.lower() in _("System").lower():
            matches |= Q(actor_id__isnull=True)
        events = events.filter(matches)
    if object_name:
        events = events.filter(object_label__icontains=object_name.strip())
    if date_from or date_to:
        zone = zoneinfo.ZoneInfo(require_current_tenant().time_zone)
        if date_from:
            events = events.filter(created_at__gte=_start_of(date_from, zone))
        if date_to:
            events = events.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1), zone))
    return events
