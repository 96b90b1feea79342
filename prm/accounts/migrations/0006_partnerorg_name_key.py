from types import SimpleNamespace

from django.db import migrations, models

from prm.tenancy.context import tenant_scope


def backfill_name_keys(apps, schema_editor):
    """Every partner organisation's name key (prm.companies.company_key of its name), tenant by tenant — the
    row-level-security setting (FORCE applies to the owner who migrates) comes from the scope."""
    from prm.companies import company_key

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_tenant ORDER BY id")
        tenant_ids = [row[0] for row in cursor.fetchall()]
    for tenant_id in tenant_ids:
        with tenant_scope(SimpleNamespace(pk=tenant_id)), connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM accounts_partnerorg WHERE tenant_id = %s", [tenant_id])
            orgs = cursor.fetchall()
            if orgs:
                cursor.execute(
                    "UPDATE accounts_partnerorg o SET name_key = k.key"
                    " FROM unnest(%s::uuid[], %s::text[]) AS k(id, key) WHERE o.tenant_id = %s AND o.id = k.id",
                    [[org_id for org_id, _ in orgs], [company_key(name) for _, name in orgs], tenant_id],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_names_refuse_control_characters"),
        ("tenancy", "0004_tenant_country_and_fiscal_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnerorg",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="partnerorg",
            index=models.Index(fields=["tenant", "name_key"], name="partner_org_name_key_idx"),
        ),
        migrations.RunPython(backfill_name_keys, migrations.RunPython.noop),
    ]
