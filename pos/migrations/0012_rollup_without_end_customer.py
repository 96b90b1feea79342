"""The sales rollup loses the end-customer key: keyed by it, it had nearly a row per line (992,403 rows for
1,000,642 lines in bench/pages.py's tenant) and every page reading it summed as many rows as the lines; per partner,
product, month and currency it has 182,498 there. Rebuilt per tenant from the lines (pos.0010's step), between
the old key's removal and the new one's creation."""

from types import SimpleNamespace

from django.db import migrations, models

from prm.tenancy.context import tenant_scope


def rebuild_rollups(apps, schema_editor):
    """Each tenant with lines or rollup rows (a benchmark's tenant may keep rows of lines it deleted) rebuilt from
    its lines by the current code's rollup_rebuild. Row-level security is forced on the owner who migrates: each
    tenant is read in its own scope."""
    from pos.services.rollup import rollup_rebuild

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, reporting_currency FROM tenancy_tenant ORDER BY id")
        tenants = cursor.fetchall()
    for tenant_id, reporting_currency in tenants:
        tenant = SimpleNamespace(pk=tenant_id, reporting_currency=reporting_currency)
        with tenant_scope(tenant), schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pos_posline) OR EXISTS (SELECT 1 FROM pos_possalesrollup)")
            if cursor.fetchone()[0]:
                rollup_rebuild()


class Migration(migrations.Migration):
    dependencies = [("pos", "0011_company_keys")]

    operations = [
        migrations.RemoveConstraint(model_name="possalesrollup", name="pos_rollup_key"),
        migrations.RemoveField(model_name="possalesrollup", name="end_customer_key"),
        migrations.RunPython(rebuild_rollups, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="possalesrollup",
            constraint=models.UniqueConstraint(
                fields=("tenant", "partner_org", "product", "month", "currency"), name="pos_rollup_key"
            ),
        ),
    ]
