"""What the audit log knows about the events it shows: readable actions, object types and their pages, field labels.

An audit event stores codes (`partner_org.status_change`, `accounts.partnerorg`, `{"status": "inactive"}`); the
log page (prm.audit.display) turns them into sentences through these registries. The core registers its own
actions and types (prm.audit.labels, from AuditConfig.ready); a module registers its own from its AppConfig's
`ready()`, as with prm.modules, so the core never imports it. What nobody registered is still shown, less well:
an unknown action by its code, an unknown field by its name, a model's field by its verbose name and choices.
"""

from collections.abc import Callable
from dataclasses import dataclass

OBJECT = "%(object)s"  # where an action's label names its object


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str  # a lazy translation; "%(object)s" where the object's name (a link to its page) goes


@dataclass(frozen=True)
class AuditObjectType:
    object_type: str  # the model's "app_label.modelname", as AuditEvent.object_type stores it
    label: str  # a lazy translation: "partner organisation"
    url: object  # a URL name taking the object's id, a callable url(object_id) → URL or None; or None: no page
    allowed: Callable | None  # allowed(viewer membership): whether to link to the page; None: every audit reader
    names: Callable | None  # names(ids) → {id: name} of those that exist, in one query; None: str() of each row


@dataclass(frozen=True)
class AuditField:
    key: str
    label: str | None  # a lazy translation; None: the model field's verbose name, else the key
    object_type: str = ""  # "": the label of this key for every type that does not register its own
    choices: dict | None = None  # {stored value: label}; None: the model field's choices, if any
    refers_to: str | None = None  # the object type whose id the value is (shown by its name)
    hidden: bool = False  # bookkeeping never shown (e.g. the workflow's transition name)
    format: Callable | None = None  # format(value) → text, for structured values


_actions = {}
_object_types = {}
_fields = {}


def register_audit_action(code, label):
    """The readable label of audit action `code`; the same code again replaces it."""
    _actions[code] = AuditAction(code, label)


def audit_action(code):
    return _actions.get(code)


def audit_actions():
    return list(_actions.values())


def register_audit_object_type(object_type, label, *, url=None, allowed=None, names=None):
    """How the log names objects of `object_type` and links to their page."""
    if object_type != object_type.lower() or object_type.count(".") != 1:
        raise ValueError(f"object_type is 'app_label.modelname' in lower case, not {object_type!r}")
    _object_types[object_type] = AuditObjectType(object_type, label, url, allowed, names)


def audit_object_type(object_type):
    return _object_types.get(object_type)


def audit_object_types():
    return list(_object_types.values())


def register_audit_field(key, label=None, *, object_type="", choices=None, refers_to=None, hidden=False, format=None):
    """The label (and the way to show values) of `key` in events' before/after, for `object_type` or for all."""
    _fields[object_type, key] = AuditField(key, label, object_type, choices, refers_to, hidden, format)


def audit_field(object_type, key):
    """The registration of `key` for `object_type`, else the one for every type, else None."""
    return _fields.get((object_type, key)) or _fields.get(("", key))
