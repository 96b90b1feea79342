"""What the channel modules add to the core, registered from each module's `AppConfig.ready()`.

The core never imports a module (import-linter contracts in pyproject.toml, `tests/test_module_contract.py`):
a module tells the core about itself here. Only the composition root — `prm/urls.py` (page URLs, API routers)
and `prm/settings.py` (INSTALLED_APPS) — names modules. docs/architecture.md, "The module contract".
"""

from dataclasses import dataclass

from prm.celery import app as celery_app

_demo_seeders = []
_file_purposes = {}
_nav_links = []
_exempt_indexes = {}


def register_demo_seeder(seeder):
    """`seeder(*, admin_membership, seed)` adds the module's demo data to one demo vendor, inside its tenant's
    scope, after the core's (partners, users, catalogue); `seed` (an int) makes the data reproducible."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders():
    return tuple(_demo_seeders)


def register_file_purpose(value, label):
    """A kind of `StoredFile` (`stored_file_create(purpose=value)` refuses a purpose nobody registered)."""
    _file_purposes[value] = label


def is_file_purpose(value):
    return value in _file_purposes


def file_purpose_choices():
    """The choices of `StoredFile.purpose`: a callable, so a module's new purpose needs no core migration."""
    return list(_file_purposes.items())


def register_beat_entries(entries):
    """Periodic tasks, in the shape of `CELERY_BEAT_SCHEDULE` (`{name: {"task": ..., "schedule": ...}}`),
    added to the Celery app's beat schedule, which beat's DatabaseScheduler installs when it starts."""
    celery_app.conf.beat_schedule = {**celery_app.conf.beat_schedule, **entries}


@dataclass(frozen=True)
class NavLink:
    label: str  # a lazy translation
    url_name: str
    audience: str  # "vendor" (vendor staff) or "partner"


def register_nav_link(*, label, url_name, audience):
    """A link in the navigation bar of vendor staff or of partners, after the core's own first links."""
    if audience not in ("vendor", "partner"):
        raise ValueError(f"audience must be 'vendor' or 'partner', not {audience!r}")
    link = NavLink(label=label, url_name=url_name, audience=audience)
    if link not in _nav_links:
        _nav_links.append(link)


def nav_links(audience):
    return [link for link in _nav_links if link.audience == audience]


def register_exempt_index(*, table, index, reason):
    """An index of a module's tenant table that need not start with `tenant` (the tenancy system check,
    prm.tenancy.checks): a BRIN index of an append-only table, say, with the reason why."""
    _exempt_indexes[(table, index)] = reason


def exempt_indexes():
    """{(table, index name): reason} of every registered exemption: the one list the check reads."""
    return dict(_exempt_indexes)
