"""The current tenant, held in a context variable.

Pages get it from `TenantMiddleware`, Celery tasks from `TenantTask`, management commands from `--tenant`.
Nothing else sets it. `tenant_scope()` always restores the previous value, even when the body raises.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current_tenant = ContextVar("current_tenant", default=None)


class TenantNotSet(RuntimeError):
    """A tenant-scoped query or write was attempted with no tenant in scope (fail closed)."""


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was saved while another tenant was in scope."""


def get_current_tenant():
    return _current_tenant.get()


def current_tenant_id():
    tenant = _current_tenant.get()
    return tenant.pk if tenant is not None else None


def require_current_tenant():
    tenant = _current_tenant.get()
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
    """Run the body with no tenant in scope. Platform code only; say why where you use it.

    With no tenant set, scoped managers raise and row-level security matches no tenant row,
    so this only gives access to platform tables (tenants, domains, users).
    """
    token = _current_tenant.set(None)
    try:
        yield
    finally:
        _current_tenant.reset(token)
