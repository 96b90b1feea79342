from types import SimpleNamespace

from django.db import migrations, models

from prm.tenancy.context import tenant_scope

KEY_BATCH_ROWS = 10_000


def backfill_company_keys(apps, schema_editor):
    """The prm.companies keys of the lines loaded before them (docs/pos.md, "The line's keys"), tenant by tenant
    (the row-level-security setting — FORCE applies to the owner who migrates — comes from the scope): each distinct
    name and domain keyed once in Python, in batches read through a server-side cursor, into a temporary table;
    then one UPDATE of the tenant's lines joining it, each job's reseller counts from its lines, and the sales
    rollup (keyed by the end customer's key) computed again from the lines."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, reporting_currency FROM tenancy_tenant ORDER BY id")
        tenants = cursor.fetchall()
    for tenant_id, reporting_currency in tenants:
        with tenant_scope(SimpleNamespace(pk=tenant_id, reporting_currency=reporting_currency)):
            _backfill_tenant(connection, tenant_id)


def _backfill_tenant(connection, tenant_id):
    from pos.services.rollup import rollup_rebuild
    from prm.companies import company_key, evidence_domain

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pos_posline WHERE tenant_id = %s)", [tenant_id])
        if not cursor.fetchone()[0]:
            return
        cursor.execute("CREATE TEMP TABLE pos_backfill_keys (kind text, raw text, key text, PRIMARY KEY (kind, raw))")
        _key_values(
            connection,
            cursor,
            "name",
            "SELECT end_customer_name FROM pos_posline WHERE tenant_id = %(tenant)s"
            " UNION SELECT reseller_name FROM pos_posline WHERE tenant_id = %(tenant)s AND reseller_name <> ''",
            tenant_id,
            company_key,
        )
        _key_values(
            connection,
            cursor,
            "domain",
            "SELECT DISTINCT end_customer_domain FROM pos_posline"
            " WHERE tenant_id = %(tenant)s AND end_customer_domain <> ''",
            tenant_id,
            evidence_domain,
        )
        cursor.execute("ANALYZE pos_backfill_keys")
        cursor.execute(
            "UPDATE pos_posline l SET end_customer_key = n.key,"
            "  reseller_key = CASE WHEN l.reseller_name = '' THEN '' ELSE (SELECT r.key FROM pos_backfill_keys r"
            "    WHERE r.kind = 'name' AND r.raw = l.reseller_name) END,"
            "  end_customer_domain_key = CASE WHEN l.end_customer_domain = '' THEN '' ELSE (SELECT d.key"
            "    FROM pos_backfill_keys d WHERE d.kind = 'domain' AND d.raw = l.end_customer_domain) END"
            " FROM pos_backfill_keys n WHERE l.tenant_id = %(tenant)s AND n.kind = 'name' AND n.raw = l.end_customer_name",
            {"tenant": tenant_id},
        )
        cursor.execute(
            "UPDATE pos_posimport i SET lines_with_reseller = c.named, lines_reseller_matched = c.matched FROM ("
            " SELECT l.pos_import_id, count(*) FILTER (WHERE l.reseller_key <> '') AS named,"
            "   count(o.name_key) AS matched FROM pos_posline l"
            " LEFT JOIN (SELECT DISTINCT name_key FROM accounts_partnerorg WHERE tenant_id = %(tenant)s"
            "   AND name_key <> '') o ON o.name_key = l.reseller_key"
            " WHERE l.tenant_id = %(tenant)s GROUP BY l.pos_import_id) c"
            " WHERE i.tenant_id = %(tenant)s AND i.id = c.pos_import_id",
            {"tenant": tenant_id},
        )
        cursor.execute("DROP TABLE pos_backfill_keys")
    rollup_rebuild()


def _key_values(connection, cursor, kind, distinct_values, tenant_id, key_of):
    with connection.chunked_cursor() as values:
        values.execute(distinct_values, {"tenant": tenant_id})
        while batch := [row[0] for row in values.fetchmany(KEY_BATCH_ROWS)]:
            cursor.execute(
                "INSERT INTO pos_backfill_keys SELECT %s, raw, key FROM unnest(%s::text[], %s::text[]) AS k(raw, key)",
                [kind, batch, [key_of(raw) for raw in batch]],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_partnerorg_name_key"),
        ("pos", "0010_sales_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="posimport",
            name="lines_reseller_matched",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="posimport",
            name="lines_with_reseller",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="posline",
            name="end_customer_domain_key",
            field=models.CharField(blank=True, max_length=253),
        ),
        migrations.AddField(
            model_name="posline",
            name="reseller_key",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(backfill_company_keys, migrations.RunPython.noop),
    ]
