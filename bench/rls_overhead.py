"""What the tenancy costs per query: the RLS policy plus the per-transaction `SET LOCAL app.tenant_id` of the wrapper.

Runs against the project-local database (make services) in a throw-away tenant, as the application role:
  (a) baseline  — raw psycopg point selects on accounts_partnerorg with an explicit tenant filter, inside one
                  transaction with app.tenant_id set once (the floor for any tenant-filtered query);
  (b) ORM, atomic — PartnerOrg.objects point selects inside transaction.atomic (setting made once);
  (c) ORM, autocommit — the same outside a transaction: each query runs in its own transaction with its
                  own SET LOCAL (the worst case: what a view doing isolated reads pays);
  (d) plain ORM — Django without the tenancy layer (wrapper removed, all_tenants manager, explicit filter),
                  inside one transaction: the baseline the tenancy layer is measured against.
Prints µs per query and the ratios b/d, c/d (cost of the tenancy layer) and against raw psycopg. Usage:
  set -a; . run/.env; set +a; .venv/bin/python bench/rls_overhead.py [queries]
"""

import os
import sys
import time
import uuid

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.common import print_durability  # noqa: E402
from prm.accounts.models import PartnerOrg  # noqa: E402
from prm.tenancy.context import tenant_scope  # noqa: E402
from prm.tenancy.db import set_tenant_sql  # noqa: E402
from prm.tenancy.models import Tenant  # noqa: E402


def timed(label, n, fn):
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    per_query = elapsed / n * 1e6
    print(f"{label:<22} {n:>7} queries  {elapsed:7.2f} s  {per_query:8.1f} µs/query")
    return per_query


def main(n):
    print_durability()
    tenant = Tenant.objects.create(name="bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    try:
        with tenant_scope(tenant):
            with transaction.atomic():
                orgs = [
                    PartnerOrg.objects.create(name=f"Org {i}", partner_type="reseller", country="DE")
                    for i in range(100)
                ]
            ids = [o.pk for o in orgs]

            db = settings.DATABASES["default"]

            def raw():
                with psycopg.connect(
                    host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"]
                ) as conn:
                    conn.execute(set_tenant_sql(tenant.pk))
                    for i in range(n):
                        conn.execute(
                            "SELECT id, name FROM accounts_partnerorg WHERE tenant_id = %s AND id = %s",
                            [tenant.pk, ids[i % 100]],
                        ).fetchone()

            def orm_plain():
                # Django without the tenancy layer: no wrapper, no scoped manager; setting made by hand.
                saved = list(connection.execute_wrappers)
                connection.execute_wrappers.clear()
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(set_tenant_sql(tenant.pk))
                        for i in range(n):
                            PartnerOrg.all_tenants.filter(tenant_id=tenant.pk, pk=ids[i % 100]).values_list(
                                "id", "name"
                            ).first()
                finally:
                    connection.execute_wrappers[:] = saved

            def orm_atomic():
                with transaction.atomic():
                    for i in range(n):
                        PartnerOrg.objects.filter(pk=ids[i % 100]).values_list("id", "name").first()

            def orm_autocommit():
                assert connection.get_autocommit()
                for i in range(n):
                    PartnerOrg.objects.filter(pk=ids[i % 100]).values_list("id", "name").first()

            base = timed("(a) raw psycopg", n, raw)
            plain = timed("(d) plain ORM", n, orm_plain)
            atomic = timed("(b) ORM, atomic", n, orm_atomic)
            auto = timed("(c) ORM, autocommit", n, orm_autocommit)
            print(f"tenancy layer, atomic:     b/d = {atomic / plain:.2f}")
            print(f"tenancy layer, autocommit: c/d = {auto / plain:.2f}")
            print(f"against raw psycopg:       b/a = {atomic / base:.2f}   c/a = {auto / base:.2f}")
            PartnerOrg.objects.all().delete()
    finally:
        # Audit rows are append-only; this benchmark writes none, so the tenant can go.
        Tenant.objects.filter(pk=tenant.pk).delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
