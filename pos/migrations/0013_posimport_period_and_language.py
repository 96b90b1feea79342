from types import SimpleNamespace

from django.db import migrations, models

from prm.tenancy.context import tenant_scope

BACKFILL_PERIOD = """
UPDATE pos_posimport i SET first_sale_date = l.first, last_sale_date = l.last
FROM (
    SELECT pos_import_id, min(invoice_date) AS first, max(invoice_date) AS last
    FROM pos_posline WHERE tenant_id = %s GROUP BY pos_import_id
) l
WHERE i.tenant_id = %s AND i.id = l.pos_import_id
"""


def backfill_period(apps, schema_editor):
    """The period of each report loaded before the fields existed, from its lines, tenant by tenant (the
    row-level-security setting, which FORCE applies to the owner who migrates, comes from the scope)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_tenant ORDER BY id")
        tenant_ids = [row[0] for row in cursor.fetchall()]
    for tenant_id in tenant_ids:
        with tenant_scope(SimpleNamespace(pk=tenant_id)), schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKFILL_PERIOD, [tenant_id, tenant_id])


class Migration(migrations.Migration):
    dependencies = [("pos", "0012_rollup_without_end_customer")]

    operations = [
        migrations.AddField(
            model_name="posimport", name="first_sale_date", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="posimport", name="last_sale_date", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(model_name="posimport", name="language", field=models.CharField(blank=True, max_length=10)),
        migrations.RunPython(backfill_period, migrations.RunPython.noop),
    ]
