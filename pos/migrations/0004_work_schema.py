"""The schema where a load's second share keeps its work tables (pos/services/shares.py): UNLOGGED tables
that live inside one transaction, created by the application role."""

from django.conf import settings
from django.db import migrations


def create_work_schema(apps, schema_editor):
    app_role = schema_editor.quote_name(settings.DB_APP_USER)
    schema_editor.execute("CREATE SCHEMA IF NOT EXISTS pos_work")
    schema_editor.execute("REVOKE ALL ON SCHEMA pos_work FROM PUBLIC")
    schema_editor.execute(f"GRANT USAGE, CREATE ON SCHEMA pos_work TO {app_role}")


def drop_work_schema(apps, schema_editor):
    schema_editor.execute("DROP SCHEMA IF EXISTS pos_work CASCADE")


class Migration(migrations.Migration):
    dependencies = [("pos", "0003_line_date_brin")]

    operations = [migrations.RunPython(create_work_schema, drop_work_schema)]
