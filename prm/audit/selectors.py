from prm.audit.models import AuditEvent


def audit_event_list(*, action="", object_type="", actor_email="", date_from=None, date_to=None, object_id=""):
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__icontains=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_email:
        events = events.filter(actor_label__icontains=actor_email)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events


def audit_object_types():
    return AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
