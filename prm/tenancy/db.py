"""Sets the PostgreSQL row-level-security variable `app.tenant_id` for every statement.

The value is transaction-local (`SET LOCAL`), so it never leaks to the next user of a pooled connection (safe
behind a transaction-pooling PgBouncer). `SET LOCAL` rather than `set_config(..., true)`, which means the same,
because Citus forwards SET LOCAL to the worker nodes (`citus.propagate_set_commands = 'local'`) and not
set_config (../shared/SCALE-OUT.md). SET takes no bind parameters: the value is a UUID formatted by Python.
In autocommit mode a statement is its own transaction, so it is wrapped in one together with the setting.
With no tenant in scope nothing is set and every tenant table's policy matches no row (a scope left inside a
transaction clears it).
"""

import uuid

from django.db import transaction
from psycopg import ServerCursor
from psycopg.pq import TransactionStatus

from prm.tenancy.context import current_tenant_id

_CACHE_ATTR = "_prm_rls_tenant_id"  # what this connection's open transaction has set; _UNKNOWN after a rollback
_UNKNOWN = object()


def set_tenant_sql(tenant_id):
    """`SET LOCAL app.tenant_id = '<uuid>'` ('' for None). The value goes through uuid.UUID, so nothing but a
    UUID's hex digits and dashes ever reaches the statement."""
    value = "" if tenant_id is None else str(uuid.UUID(str(tenant_id)))
    return f"SET LOCAL app.tenant_id = '{value}'"


def apply_tenant_setting(connection, raw_cursor, tenant_id):
    """Set `app.tenant_id` (or clear it, for None) on the current transaction. Code that bypasses
    Django's cursor wrapper (psycopg COPY) calls this itself."""
    raw_cursor.execute(set_tenant_sql(tenant_id))
    setattr(connection, _CACHE_ATTR, tenant_id)


def _set_tenant(connection, raw_cursor, tenant_id):
    """Make the setting before the statement of `raw_cursor`. A named (server-side, `.iterator()`) cursor's
    `execute` only DECLAREs its statement, so the setting would never run there and the query after it would see
    no tenant row: it is made on a plain cursor instead."""
    if isinstance(raw_cursor, ServerCursor):
        with connection.connection.cursor() as plain_cursor:  # closed at once: one per server-side statement
            apply_tenant_setting(connection, plain_cursor, tenant_id)
    else:
        apply_tenant_setting(connection, raw_cursor, tenant_id)


def tenant_execute_wrapper(execute, sql, params, many, context):
    tenant_id = current_tenant_id()
    connection = context["connection"]
    raw_cursor = context["cursor"].cursor
    if connection.get_autocommit():
        if tenant_id is None:
            return execute(sql, params, many, context)
        with transaction.atomic(using=connection.alias):
            _set_tenant(connection, raw_cursor, tenant_id)
            return execute(sql, params, many, context)
    status = connection.connection.info.transaction_status
    if status == TransactionStatus.IDLE:
        setattr(connection, _CACHE_ATTR, None)  # a new transaction starts: nothing is set in it yet
    # In an aborted transaction only a rollback can run: setting the tenant first would fail and hide the
    # error being rolled back (the next statement after the rollback sets it, the cache being unknown then).
    if status != TransactionStatus.INERROR and getattr(connection, _CACHE_ATTR, None) != tenant_id:
        # Also clears the setting when the scope was left inside a transaction that had one.
        _set_tenant(connection, raw_cursor, tenant_id)
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql.startswith("ROLLBACK TO SAVEPOINT"):
        # A rolled-back savepoint may have undone a set_config made after it: set it again next time.
        setattr(connection, _CACHE_ATTR, _UNKNOWN)
    return result


def install_wrapper(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and tenant_execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(tenant_execute_wrapper)
