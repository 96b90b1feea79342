import datetime
import decimal
import uuid

from django.db import models

from prm.audit.context import request_ip
from prm.audit.models import AuditEvent


def _json_safe(value):
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance, fields):
    """A JSON-safe dict of `fields` of `instance` (foreign keys as their ids), for before/after."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        data[name] = _json_safe(value)
    return data


def record(*, action, actor=None, obj=None, before=None, after=None, reason="", object_type="", object_id=""):
    """Write one audit event in the caller's transaction. The only way audit rows are created.

    A change that changes nothing (`before` and `after` both given and equal: a form saved as it was) is no state
    change: nothing is written and None is returned, so the log never shows an update whose before is its after."""
    if before is not None and after is not None and before == after:
        return None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.email if actor is not None and actor.is_authenticated else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=str(obj)[:255] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
        ip_address=request_ip.get(),
    )
