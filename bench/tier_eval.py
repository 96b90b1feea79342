"""Tier evaluation at scale: every partner of a large tenant re-evaluated through the real service, beside a plain scan.

  set -a; . run/.env; set +a; .venv/bin/python bench/tier_eval.py [--lines 10000000] [--rebuild]

The first run builds a tenant `bench-tiers` and keeps it (`--rebuild` builds a new one): 5,000 partner organisations,
1,000 SKUs, three tiers, and --lines validated POS lines over the last 15 months, written straight into pos_posline
in the layout the load writes (INSERT … SELECT over generate_series in the tenant's scope, a million at a time:
loading ten million through the import pipeline would take the bench most of an hour, bench/pos_import.py measures
that); then the sales rollup and the per-partner monthly sums are built by the real rebuild
(pos.services.rollup.rollup_rebuild), timed. A partner's prices scale with its number, so sales spread across the
tiers. Prints:
  (a)  the baseline: one plain GROUP BY over the lines — each partner's sales of the trailing 12 months;
  (b)  the first full evaluation of every partner through partners.services.tiers.tiers_evaluate: reading the
       figures the rollup holds, making each partner's profile and its first tier;
  (b') a second evaluation: nothing changes;
  (c)  (b) ÷ (a);
  rollup: the rebuild of the rollup and the partner months from all the lines, and that per 1M lines.
(b) and (b') run in a transaction rolled back afterwards (the tier history is append-only: every run starts from the
same state); their commit, a few MB of WAL, is not in them. Target (issue 13): (b) ≤ 2 s.
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.common import as_owner, print_durability  # noqa: E402
from partners.models import PartnerProfile, Tier  # noqa: E402
from partners.selectors import trailing_year  # noqa: E402
from partners.services.tiers import tiers_evaluate  # noqa: E402
from pos.models import PosImport, PosLine  # noqa: E402
from pos.services.rollup import rollup_rebuild  # noqa: E402
from prm.accounts.models import PartnerOrg  # noqa: E402
from prm.catalog.models import Product  # noqa: E402
from prm.fiscal import tenant_today  # noqa: E402
from prm.tenancy.context import tenant_scope  # noqa: E402
from prm.tenancy.models import Domain, Tenant  # noqa: E402
from prm.tenancy.services import tenant_create  # noqa: E402

SLUG = "bench-tiers"
PARTNERS = 5000
SKUS = 1000
CHUNK = 1_000_000
TIERS = (("Silver", 1, 200_000), ("Gold", 2, 1_000_000), ("Platinum", 3, 2_500_000))

LINES_SQL = """
INSERT INTO pos_posline (id, tenant_id, pos_import_id, partner_org_id, product_id, line_number, invoice_number,
    invoice_key, invoice_date, line_key, reported_sku, quantity, unit_price, currency, end_customer_name,
    end_customer_key, end_customer_country, end_customer_domain, end_customer_domain_key, end_customer_postcode,
    reseller_name, reseller_key, created_at)
SELECT gen_random_uuid(), %(tenant)s, %(import)s, p.id, (%(products)s::uuid[])[1 + i %% {skus}], i, 'B' || i,
    'B' || i, %(today)s::date - (i %% 450), i::text, 'SKU', 1 + i %% 7, 10 + p.n %% 100 * 5, 'USD',
    'Customer ' || i %% 20000, 'customer ' || i %% 20000, 'DE', '', '', '', '', '', now()
FROM generate_series(%(first)s, %(last)s) AS i
JOIN (SELECT u.ordinality - 1 AS n, u.id FROM unnest(%(partners)s::uuid[]) WITH ORDINALITY AS u (id, ordinality)) p
    ON p.n = i::bigint * 7919 %% {partners}
"""


def build(lines):
    for old in Tenant.objects.filter(slug=SLUG):  # its rows stay (audit rows cannot go), out of the way
        Domain.objects.filter(tenant=old).delete()
        old.slug, old.status = f"{SLUG}-old-{uuid.uuid4().hex[:6]}", Tenant.Status.SUSPENDED
        old.save(update_fields=["slug", "status"])
    tenant, _ = tenant_create(slug=SLUG, name="Bench Tiers", admin_email=f"admin@{SLUG}.test", admin_password="x" * 16)
    with tenant_scope(tenant):
        Product.objects.bulk_create([Product(sku=f"BT-{n:04d}", name=f"Bench {n}") for n in range(SKUS)])
        PartnerOrg.objects.bulk_create(
            [PartnerOrg(name=f"Tier Partner {n:04d}", partner_type="reseller", country="DE") for n in range(PARTNERS)]
        )
        partners = [str(pk) for pk in PartnerOrg.objects.order_by("name").values_list("pk", flat=True)]
        products = [str(pk) for pk in Product.objects.order_by("sku").values_list("pk", flat=True)]
        job = PosImport.objects.create(partner_org_id=partners[0], source="api", status="completed")
        Tier.objects.bulk_create([Tier(name=n, rank=r, min_sales_12m=s) for n, r, s in TIERS])
        sql = LINES_SQL.format(skus=SKUS, partners=PARTNERS)
        params = {"tenant": tenant.pk, "import": job.pk, "products": products, "partners": partners}
        params["today"] = tenant_today()
        for first in range(0, lines, CHUNK):
            start = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, {**params, "first": first, "last": min(first + CHUNK, lines) - 1})
            print(f"    wrote lines {first:,}–{min(first + CHUNK, lines):,} in {time.perf_counter() - start:.2f} s")
    as_owner("ANALYZE pos_posline")  # the planner's statistics of the new lines, as a production table has them
    return tenant


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def plain_scan(tenant):
    date_from, _ = trailing_year(tenant_today())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT partner_org_id, sum(quantity * unit_price) FROM pos_posline"
            " WHERE tenant_id = %s AND invoice_date >= %s GROUP BY 1",
            [tenant.pk, date_from],
        )
        return len(cursor.fetchall())


def evaluations():
    """(b) and (b') inside one transaction, rolled back."""
    with transaction.atomic():
        first, changes = timed(tiers_evaluate)
        second, again = timed(tiers_evaluate)
        held = PartnerProfile.objects.filter(tier__isnull=False).count()
        transaction.set_rollback(True)
    return first, len(changes), second, len(again), held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    print_durability()
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None or args.rebuild:
        print(f"building the bench tenant {SLUG} (kept for the next runs)…", flush=True)
        tenant = build(args.lines)
    with tenant_scope(tenant):
        lines = PosLine.objects.count()
        rollup_seconds, _rows = timed(rollup_rebuild)
        as_owner("ANALYZE pos_possalesrollup, pos_pospartnermonthsales")
        print(f"tenant {SLUG}: {PartnerOrg.objects.count():,} partners, {lines:,} POS lines", flush=True)
        baseline, partners = timed(lambda: plain_scan(tenant))
        print(f"(a) plain GROUP BY over the lines (trailing 12 months, {partners:,} partners)  {baseline:.2f} s")
        first, changed, second, again, held = evaluations()
        print(f"(b) first full evaluation of every partner ({changed:,} changes, {held:,} with a tier)  {first:.2f} s")
        print(f"(b') a second evaluation ({again} changes)  {second:.2f} s")
        print(f"(c) b/a (evaluation time ÷ plain scan time)  {first / baseline:.2f}")
        per_million = rollup_seconds / (lines / 1_000_000)
        print(f"rollup: rebuilt from all the lines in {rollup_seconds:.2f} s — {per_million:.2f} s per 1M lines")


if __name__ == "__main__":
    main()
