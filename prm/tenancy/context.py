"""The current tenant, held in a context variable.

Pages get it from `TenantMiddleware`, Celery tasks from `TenantTask`, management commands from `--tenant`.
Nothing else sets it. `tenant_scope()` always restores the previous value, even when the body raises.

Three states: a tenant; `unscoped()` — platform code that says it needs no tenant (the value is the
`UNSCOPED` sentinel); and nothing at all, a forgotten scope. Both of the last two have no current tenant, but
in tests and development the SQL guard (prm.tenancy.guard) raises when a forgotten scope touches a tenant
table, where `unscoped()` lets platform code through (row-level security still shows it no tenant row).
"""

from contextlib import contextmanager
from contextvars import ContextVar


class _Unscoped:
    """The value of the current tenant inside `unscoped()`: no tenant, on purpose."""

    def __repr__(self):
        return "UNSCOPED"


UNSCOPED = _Unscoped()
_current_tenant = ContextVar("current_tenant", default=None)


class TenantNotSet(RuntimeError):
    """A tenant-scoped query or write was attempted with no tenant in scope (fail closed)."""


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was saved while another tenant was in scope."""


def get_current_tenant():
    tenant = _current_tenant.get()
    return None if tenant is UNSCOPED else tenant


def current_tenant_id():
    tenant = get_current_tenant()
    return tenant.pk if tenant is not None else None


def is_unscoped():
    """True inside `unscoped()` (and not inside a tenant scope opened within it)."""
    return _current_tenant.get() is UNSCOPED


def require_current_tenant():
    tenant = get_current_tenant()
    if tenant is None:
        raise TenantNotSet("No tenant in scope: wrap the code in tenant_scope(tenant).")
    return tenant


@contextmanager
def tenant_scope(tenant):
    """Run the body with `tenant` as the current tenant."""
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)


@contextmanager
def unscoped():
    """Run the body with no tenant in scope, on purpose. Platform code only; say why where you use it.

    With no tenant set, scoped managers raise and row-level security matches no tenant row, so this only
    gives access to platform tables (tenants, domains, users); the SQL guard lets its statements through.
    """
    token = _current_tenant.set(UNSCOPED)
    try:
        yield
    finally:
        _current_tenant.reset(token)
