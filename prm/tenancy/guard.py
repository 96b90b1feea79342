"""The SQL guard (tests and development): a statement that reads or writes a tenant table with no tenant in
scope raises `TenantNotSet` instead of quietly matching no row under row-level security.

Installed on every connection when `settings.PRM_TENANT_SQL_GUARD` is on (PRM_DEBUG, and always in tests).
Inside `unscoped()` platform code passes (RLS still shows it no tenant row). Only data statements are
checked (migrations' DDL names tenant tables legitimately); the tables come from the model registry, and a
statement is matched by name (quoted or not) with one precompiled regular expression.
"""

import functools
import re

from django.conf import settings

from prm.tenancy.context import TenantNotSet, current_tenant_id, is_unscoped

_DATA_STATEMENT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|COPY)\b", re.IGNORECASE)


@functools.cache
def _tenant_table_pattern():
    from prm.tenancy.rls import tenant_models

    tables = sorted({model._meta.db_table for model in tenant_models()})
    return re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")


def tenant_table_in(sql):
    """The first tenant table a data statement names, or None."""
    if not isinstance(sql, str) or not _DATA_STATEMENT.match(sql):
        return None
    found = _tenant_table_pattern().search(sql)
    return found.group(1) if found else None


def tenant_sql_guard(execute, sql, params, many, context):
    if current_tenant_id() is None and not is_unscoped():
        table = tenant_table_in(sql)
        if table is not None:
            raise TenantNotSet(
                f"{table} queried with no tenant in scope: wrap the code in tenant_scope(tenant), "
                "or in unscoped() with a comment saying why it needs no tenant."
            )
    return execute(sql, params, many, context)


def install_guard(sender, connection, **kwargs):
    if settings.PRM_TENANT_SQL_GUARD and tenant_sql_guard not in connection.execute_wrappers:
        # First in the list: the outermost wrapper, so it refuses before the tenant setting is made.
        connection.execute_wrappers.insert(0, tenant_sql_guard)
