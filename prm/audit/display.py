"""Audit events as people read them: who, a sentence for what was done (the object's name linked to its page),
and only the fields that changed, each by its label with values by their names (prm.audit.registry).

`describe_events` reads the names of every object a page of events mentions — the events' objects and the
objects their changes refer to by id — in one query per object type, whatever the number of events.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from prm.audit import registry
from prm.tenancy.context import require_current_tenant
from prm.tenancy.models import TenantModel

EMPTY = "—"


@dataclass(frozen=True)
class FieldSpec:
    label: str
    choices: dict | None = None
    refers_to: str | None = None
    hidden: bool = False
    format: object = None


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: no earlier value to show (the object was created)
    new: str | None  # None: no later value (the object was deleted)


@dataclass
class EventRow:
    event: object
    when: object
    actor_name: str
    actor_detail: str
    action_text: str
    action_html: str
    object_type_label: str
    object_name: str
    object_url: str | None
    reason: str
    changes: list = field(default_factory=list)


def _model(object_type):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _valid_id(model, value):
    if not isinstance(value, str) or not value:
        return False
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


class _Specs:
    """The FieldSpec of each (object type, key), read from the registry and the object's model once a page."""

    def __init__(self):
        self._cache = {}
        self._orders = {}

    def order(self, object_type):
        if object_type not in self._orders:
            self._orders[object_type] = _key_order(object_type)
        return self._orders[object_type]

    def __call__(self, object_type, key):
        if (object_type, key) not in self._cache:
            self._cache[object_type, key] = self._spec(object_type, key)
        return self._cache[object_type, key]

    @staticmethod
    def _spec(object_type, key):
        own = registry._fields.get((object_type, key))
        common = registry._fields.get(("", key))
        model_field = None
        model = _model(object_type) if object_type else None
        if model is not None:
            try:
                model_field = model._meta.get_field(key)
            except FieldDoesNotExist:
                model_field = None
        label = (own and own.label) or (common and common.label)
        if not label and model_field is not None and isinstance(getattr(model_field, "verbose_name", None), Promise):
            label = capfirst(model_field.verbose_name)
        choices = own.choices if own and own.choices else None
        if choices is None and model_field is not None and getattr(model_field, "flatchoices", None):
            choices = dict(model_field.flatchoices)
        if choices is None and common and common.choices:
            choices = common.choices
        refers_to = own.refers_to if own and own.refers_to else None
        if refers_to is None and model_field is not None and model_field.many_to_one and model_field.related_model:
            refers_to = model_field.related_model._meta.label_lower
        if refers_to is None and common:
            refers_to = common.refers_to
        return FieldSpec(
            label=str(label or capfirst(key.replace("_", " ")) or _("Value")),
            choices=choices,
            refers_to=refers_to,
            hidden=bool((own and own.hidden) or (common and common.hidden)),
            format=(own and own.format) or (common and common.format),
        )


def _as_dict(value):
    if value is None:
        return None
    return value if isinstance(value, dict) else {"": value}


def _key_order(object_type):
    """Sort key of an event's fields: the model's fields in its order, then the registered ones in the order they
    were registered, then the others by name (jsonb keeps no order)."""
    model = _model(object_type) if object_type else None
    order = {}
    if model is not None:
        for field_ in model._meta.get_fields():
            order.setdefault(field_.name, len(order))
    for wanted in (object_type, ""):
        for own_type, key in registry._fields:
            if own_type == wanted:
                order.setdefault(key, len(order))
    return lambda key: (order.get(key, len(order)), key)


def _pairs(event, specs):
    """(key, spec, old, new, has_old, has_new) of each field the event changed: both values given and different,
    or one side only when the object was created (no before) or deleted (no after), empty values left out. A key
    the after does not mention while the before does was not changed (its new value is unknown): left out."""
    before, after = _as_dict(event.before), _as_dict(event.after)
    if before is None and after is None:
        return
    keys = sorted({*(before or {}), *(after or {})}, key=specs.order(event.object_type))
    for key in keys:
        spec = specs(event.object_type, key)
        if spec.hidden:
            continue
        has_old = before is not None and key in before
        has_new = after is not None and key in after
        old, new = (before[key] if has_old else None), (after[key] if has_new else None)
        if has_old and has_new and old == new:
            continue
        if has_old and not has_new and after is not None:
            continue
        if (before is None or after is None) and (old if has_old else new) in (None, "", [], {}):
            continue  # a created or deleted object's empty field says nothing
        yield key, spec, old, new, has_old, has_new


def _referenced_ids(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _lookup_names(wanted):
    """{(object type, id): current name} of the objects that exist in this tenant: one query per type."""
    names = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None:
            continue
        ids = sorted(i for i in ids if _valid_id(model, i))
        if not ids:
            continue
        kind = registry.audit_object_type(object_type)
        if kind is not None and kind.names is not None:
            found = kind.names(ids)
        elif issubclass(model, TenantModel):  # the scoped manager: another tenant's id is not found
            found = {str(obj.pk): str(obj) for obj in model.objects.filter(pk__in=ids)}
        else:
            continue  # not a tenant's row and nobody said how to name it: not looked up
        names.update({(object_type, str(pk)): name for pk, name in found.items()})
    return names


class _Values:
    def __init__(self, names):
        self.names = names

    def __call__(self, spec, value):
        if spec.format is not None and value is not None:
            return str(spec.format(value))
        if isinstance(value, list):
            return ", ".join(self(spec, item) for item in value) or EMPTY
        if isinstance(value, dict):
            return "; ".join(f"{key}: {self(spec, item)}" for key, item in value.items()) or EMPTY
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if spec.refers_to and isinstance(value, str):
            name = self.names.get((spec.refers_to, value))
            if name is not None:
                return name
            model = _model(spec.refers_to)
            if model is not None and _valid_id(model, value):
                return _("(deleted)")
        if spec.choices is not None:
            try:
                label = spec.choices.get(value)
            except TypeError:
                label = None
            if label is not None:
                return str(label)
        return str(value)


def object_type_label(object_type):
    kind = registry.audit_object_type(object_type)
    if kind is not None:
        return str(kind.label)
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _url(kind, object_id, viewer):
    if kind is None or kind.url is None or (kind.allowed is not None and not kind.allowed(viewer)):
        return None
    try:
        return kind.url(object_id) if callable(kind.url) else reverse(kind.url, args=[object_id])
    except NoReverseMatch:
        return None


def action_sentence(event, object_name, url=None):
    """(plain text, HTML) of what the event did, the object's name (a link to `url`) where the label says."""
    action = registry.audit_action(event.action)
    if action is not None:
        text = str(action.label)
    else:  # an action nobody registered: its code made readable, then the object
        text = capfirst(event.action.replace("_", " ").replace(".", ": ", 1))
        text = f"{text} {registry.OBJECT}" if object_name else text
    head, placeholder, tail = text.partition(registry.OBJECT)
    if not placeholder:
        return text, escape(text)
    shown = object_name or EMPTY
    link = format_html('<a href="{}">{}</a>', url, shown) if url else format_html("<strong>{}</strong>", shown)
    return f"{head}{shown}{tail}", mark_safe(f"{escape(head)}{link}{escape(tail)}")


def actor_of(event):
    """(name, detail): "System" without an actor, "Deleted user" (with the e-mail recorded) for one since deleted."""
    if event.actor_id is None:
        return _("System"), ""
    if event.actor is None:
        return _("Deleted user"), event.actor_label
    user = event.actor
    return (user.full_name, user.email) if user.full_name else (user.email, "")


def describe_events(events, *, viewer):
    """EventRow of each event (an iterable of AuditEvent with `actor` selected), for `viewer`'s page."""
    events = list(events)
    specs = _Specs()
    wanted = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
        for _key, spec, old, new, _has_old, _has_new in _pairs(event, specs):
            if spec.refers_to:
                wanted[spec.refers_to].update(_referenced_ids(old) + _referenced_ids(new))
    names = _lookup_names(wanted)
    values = _Values(names)
    zone = zoneinfo.ZoneInfo(require_current_tenant().time_zone)
    rows = []
    for event in events:
        current = names.get((event.object_type, event.object_id))
        object_name = current if current is not None else event.object_label
        url = _url(registry.audit_object_type(event.object_type), event.object_id, viewer) if current else None
        text, html = action_sentence(event, object_name, url)
        actor_name, actor_detail = actor_of(event)
        changes = [
            Change(
                label=spec.label,
                old=values(spec, old) if has_old else None,
                new=values(spec, new) if has_new else None,
            )
            for _key, spec, old, new, has_old, has_new in _pairs(event, specs)
        ]
        rows.append(
            EventRow(
                event=event,
                when=timezone.localtime(event.created_at, zone),
                actor_name=actor_name,
                actor_detail=actor_detail,
                action_text=text,
                action_html=html,
                object_type_label=object_type_label(event.object_type) if event.object_type else "",
                object_name=object_name,
                object_url=url,
                reason=event.reason,
                changes=changes,
            )
        )
    return rows
