from django.db import migrations

# As the audit log (audit/0003): the app role lacks UPDATE/DELETE/TRUNCATE on the table (prm.tenancy.rls, for
# every model with `append_only = True`), and this trigger refuses UPDATE and DELETE to every role, the owner too.
SQL = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger postings are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON ledger_posting
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_ledger_postings_and_balances")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
