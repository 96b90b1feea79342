"""Database-side tenancy, applied after every `migrate` (run as the owner role).

For every table of a `TenantModel` subclass:
- row-level security, ENABLEd and FORCEd, with one policy: rows whose tenant_id equals the transaction's
  `app.tenant_id`; nothing when it is unset;
- a UNIQUE (tenant_id, id) key and, for each foreign key to another tenant table, a composite foreign key
  (tenant_id, <column>) → (tenant_id, id), so a row can never reference another tenant's row.
Then the application role gets DML on every table, except UPDATE/DELETE/TRUNCATE on the append-only ones: the
tables of models that say `append_only = True` (the audit log, ledger postings), whose migrations also add a
trigger refusing UPDATE and DELETE to every role.

Because it is derived from the model registry, a new tenant table is covered without anyone listing it.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.db import connections

from prm.tenancy.models import TenantModel

POLICY_NAME = "tenant_isolation"
# The setting is read in a sub-select: PostgreSQL evaluates it once per statement (an init plan) instead of
# once per row, which a million-row insert or scan notices (docs/performance.md); the index use is the same.
TENANT_PREDICATE = "tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid)"


def tenant_models():
    return [m for m in apps.get_models(include_auto_created=True) if issubclass(m, TenantModel)]


def append_only_tables():
    """The tables of models declaring `append_only = True`: rows are inserted and read, never changed."""
    return [m._meta.db_table for m in apps.get_models() if getattr(m, "append_only", False)]


def _short_name(prefix, *parts):
    digest = hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{prefix}_{digest}"


def _constraint_exists(cursor, table, name):
    cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass", [name, table])
    return cursor.fetchone() is not None


def tenant_foreign_keys(model):
    """(column, target table) for each foreign key of `model` to another tenant table.

    A foreign key declared with db_constraint=False gets no constraint at all: that is for bulk tables (sales-out
    lines) whose references are resolved by set-based joins inside the tenant, where a per-row check would
    dominate the load time (bench/). Their rows are still confined to the tenant by RLS."""
    for field in model._meta.concrete_fields:
        if (
            field.many_to_one
            and field.name != "tenant"
            and field.db_constraint
            and issubclass(field.related_model, TenantModel)
        ):
            yield field.column, field.related_model._meta.db_table


def sync_rls(using="default"):
    connection = connections[using]
    app_role = connection.ops.quote_name(settings.DB_APP_USER)
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in tenant_models()]
        for table in tables:
            qt = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {qt} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {qt} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {qt}")
            cursor.execute(
                f"CREATE POLICY {POLICY_NAME} ON {qt} USING ({TENANT_PREDICATE}) WITH CHECK ({TENANT_PREDICATE})"
            )
        for model in tenant_models():
            # Bulk tables that no foreign key points to opt out of the (tenant_id, id) key (one index fewer
            # to maintain per inserted row): `tenant_key = False` on the model.
            table, qt = model._meta.db_table, connection.ops.quote_name(model._meta.db_table)
            key = _short_name("tenant_key", table)
            if model.tenant_key and not _constraint_exists(cursor, table, key):
                cursor.execute(f"ALTER TABLE {qt} ADD CONSTRAINT {key} UNIQUE (tenant_id, id)")
            elif not model.tenant_key and _constraint_exists(cursor, table, key):
                cursor.execute(f"ALTER TABLE {qt} DROP CONSTRAINT {key}")
        for model in tenant_models():
            table = model._meta.db_table
            wanted = {
                _short_name("same_tenant_fk", table, column): (column, target)
                for column, target in tenant_foreign_keys(model)
            }
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND conname LIKE 'same_tenant_fk_%%'",
                [table],
            )
            for (stale,) in cursor.fetchall():
                if stale not in wanted:
                    cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {stale}")
            for name, (column, target) in wanted.items():
                if not _constraint_exists(cursor, table, name):
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)} ADD CONSTRAINT {name} "
                        f"FOREIGN KEY (tenant_id, {connection.ops.quote_name(column)}) "
                        f"REFERENCES {connection.ops.quote_name(target)} (tenant_id, id) "
                        "DEFERRABLE INITIALLY DEFERRED"
                    )
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app_role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_role}")
        for table in append_only_tables():
            qt = connection.ops.quote_name(table)
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {qt} FROM {app_role}")


def sync_rls_after_migrate(sender, using="default", **kwargs):
    sync_rls(using=using)
