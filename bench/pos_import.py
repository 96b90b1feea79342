"""POS import speed and memory, measured against raw COPY of the same file in the same run.

  set -a; . run/.env; set +a; .venv/bin/python bench/pos_import.py [--lines 1000000] [--xlsx-lines 200000]
                                                                     [--big 5000000]

Needs the project-local PostgreSQL and Redis (make services). Creates a throw-away tenant with 5,000 SKUs and
a distributor, generates realistic files under run/bench/ (a few percent bad and repeated lines, 500
resellers), and prints:
  (a) raw COPY of the CSV into an unindexed table of text columns (temporary: no WAL); (a') the same into an
      ordinary table, which writes WAL like the real lines table,
  (b) the full import through the real code path — a real Celery worker (solo pool, so the task runs in the
      measured process) loading the uploaded file: COPY, validation, dedupe, insert, rejects,
  (c) the ratio b/a, and the worker's peak RSS (VmHWM),
  (f) the floor: the accepted lines of (b) written again, alone, into a table built like the lines table,
  (m) a minimal load of the same file into such a table: COPY, SKU and date resolved, lines written — no
      other rule, no repeats, no rejects: what the full import's rules have to fit beside.
"""

import argparse
import contextlib
import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
django.setup()

from django.core.files.uploadedfile import TemporaryUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.common import as_owner, print_durability  # noqa: E402
from pos.demo import COLUMNS, HEADER, sales_rows, write_sales_csv  # noqa: E402
from pos.models import ColumnMapping, PosImport, PosLine, PosReject, PosSalesRollup  # noqa: E402
from pos.services.imports import header_signature, pos_import_create  # noqa: E402
from prm.accounts.models import Membership, Role  # noqa: E402
from prm.accounts.services import membership_create, partner_org_create, user_get_or_create  # noqa: E402
from prm.catalog.models import Product  # noqa: E402
from prm.celery import app as celery_app  # noqa: E402
from prm.celery import solo_worker_command  # noqa: E402
from prm.tenancy.context import tenant_scope  # noqa: E402
from prm.tenancy.models import Tenant  # noqa: E402
from prm.tenancy.rls import TENANT_PREDICATE  # noqa: E402

BENCH_DIR = ROOT / "run" / "bench"
SKU_COUNT = 5000


def make_rows(lines, skus, seed):
    return sales_rows(
        lines=lines,
        skus=skus,
        prices=dict.fromkeys(skus, 250),
        start=datetime.date(2026, 1, 1),
        days=90,
        seed=seed,
        customers=20000,
        resellers=500,
    )


def csv_file(lines, skus, seed):
    path = BENCH_DIR / f"pos-{lines}-{seed}.csv"
    if not path.exists():
        with open(path, "w", newline="") as handle:
            write_sales_csv(handle, make_rows(lines, skus, seed))
    return path


def xlsx_file(lines, skus, seed):
    path = BENCH_DIR / f"pos-{lines}-{seed}.xlsx"
    if not path.exists():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for row in make_rows(lines, skus, seed):
            cells = list(row)  # the generator keeps its rows to repeat some: never change them in place
            with contextlib.suppress(ValueError):  # an impossible date stays text, as in a real file
                cells[1] = datetime.date.fromisoformat(cells[1])
            cells[3], cells[4] = int(cells[3]), float(cells[4])
            sheet.append(cells)
        workbook.save(path)
    return path


def raw_copy_seconds(path, *, logged=False):
    """COPY of the file into an unindexed table of text columns: a temporary table (no WAL), or with `logged`
    an ordinary table (WAL written, as for the real lines table) — the floor of any load on this machine."""
    table = "pos_work.bench_raw" if logged else "bench_raw"
    kind = "" if logged else "TEMP"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE {kind} TABLE {table} (" + ", ".join(f"c{i} text" for i in range(10)) + ")")
        start = time.perf_counter()
        with (
            open(path, "rb") as handle,
            cursor.cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')") as copy,
        ):
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        elapsed = time.perf_counter() - start
        cursor.execute(f"DROP TABLE {table}")
    return elapsed


def start_worker(queue):
    env = {**os.environ, "PRM_CELERY_EAGER": "0"}
    log = open(BENCH_DIR / "worker.log", "a")  # noqa: SIM115 - lives as long as the worker
    return subprocess.Popen(
        solo_worker_command(queue, loglevel="WARNING"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def current_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def upload_of(path):
    upload = TemporaryUploadedFile(path.name, "application/octet-stream", path.stat().st_size, None)
    with open(path, "rb") as source:
        while chunk := source.read(1024 * 1024):
            upload.write(chunk)
    upload.seek(0)
    return upload


def _empty_lines_table(cursor):
    """pos_work.bench_floor: an empty table built like the lines table (same columns, primary key, identity
    index, BRIN, checks, row-level security)."""
    cursor.execute("CREATE TABLE pos_work.bench_floor (LIKE pos_posline INCLUDING ALL)")
    cursor.execute("ALTER TABLE pos_work.bench_floor ENABLE ROW LEVEL SECURITY")
    cursor.execute("ALTER TABLE pos_work.bench_floor FORCE ROW LEVEL SECURITY")
    cursor.execute(
        f"CREATE POLICY floor ON pos_work.bench_floor USING ({TENANT_PREDICATE}) WITH CHECK ({TENANT_PREDICATE})"
    )


def write_floor_seconds(tenant, job):
    """The accepted lines of `job` written again, with nothing else to do, into an empty table built like the
    lines table: the least any load of these lines can cost here, whatever its validation."""
    with tenant_scope(tenant), transaction.atomic(), connection.cursor() as cursor:
        _empty_lines_table(cursor)
        start = time.perf_counter()
        cursor.execute("INSERT INTO pos_work.bench_floor SELECT * FROM pos_posline WHERE pos_import_id = %s", [job.pk])
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed, job.lines_accepted


def minimal_pipeline_seconds(tenant, job, path):
    """The least a set-based load that resolves anything can do, timed from the file to the written lines, in
    one transaction (rolled back): COPY the file into a staging table, parse its distinct dates, and write the
    lines whose SKU and date resolve and whose quantity is not 0 into an empty table built like the lines
    table. No other rule: no trimming, number, currency or country check, length limit, repeat detection
    (the line number is folded into the line key so that the file's repeats pass the identity index), no
    rejects, no job bookkeeping. Returns (seconds, lines written)."""
    col = {field: f"s.c{index}" for field, index in COLUMNS.items()}
    id_prefix = uuid.uuid4().hex[:24]
    with tenant_scope(tenant), transaction.atomic(), connection.cursor() as cursor:
        _empty_lines_table(cursor)
        start = time.perf_counter()
        cursor.execute(
            "CREATE UNLOGGED TABLE pos_work.bench_stage (n bigint GENERATED BY DEFAULT AS IDENTITY, "
            + ", ".join(f"c{i} text" for i in range(len(HEADER)))
            + ")"
        )
        columns = ", ".join(f"c{i}" for i in range(len(HEADER)))
        with (
            open(path, "rb") as handle,
            cursor.cursor.copy(
                f"COPY pos_work.bench_stage ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
            ) as copy,
        ):
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        cursor.execute(
            "CREATE UNLOGGED TABLE pos_work.bench_dates AS SELECT raw, pos_parse_date(raw, 'YYYY-MM-DD') AS value"
            f" FROM (SELECT DISTINCT {col['invoice_date']} AS raw FROM pos_work.bench_stage s) d"
        )
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL enable_nestloop = off")  # hash joins, as the real load's statistics give it
        cursor.execute("ANALYZE pos_work.bench_dates")
        cursor.execute(
            "INSERT INTO pos_work.bench_floor (id, tenant_id, partner_org_id, pos_import_id, line_number,"
            "   invoice_number, invoice_key, invoice_date, line_key, product_id, reported_sku, quantity, unit_price,"
            "   currency, end_customer_name, end_customer_key, end_customer_country, end_customer_domain,"
            "   end_customer_postcode, reseller_name, end_customer_domain_key, reseller_key, created_at)"
            f" SELECT (%(prefix)s || lpad(to_hex(s.n), 8, '0'))::uuid, %(tenant)s, %(org)s, %(job)s, s.n + 1,"
            f"   {col['invoice_number']}, lower({col['invoice_number']}), d.value,"
            f"   'Q:' || {col['quantity']} || '@' || {col['unit_price']} || '#' || s.n, p.id, {col['sku']},"
            f"   {col['quantity']}::int, {col['unit_price']}::numeric, {col['currency']}, {col['end_customer_name']},"
            f"   lower({col['end_customer_name']}), left({col['end_customer_country']}, 2), '',"
            f"   coalesce({col['end_customer_postcode']}, ''), coalesce({col['reseller_name']}, ''), '',"
            f"   lower(coalesce({col['reseller_name']}, '')), now()"
            " FROM pos_work.bench_stage s"
            f" JOIN catalog_product p ON p.tenant_id = %(tenant)s AND p.sku = {col['sku']}"
            f" JOIN pos_work.bench_dates d ON d.raw = {col['invoice_date']}"
            f" WHERE d.value IS NOT NULL AND {col['quantity']} <> '0'",
            {"prefix": id_prefix, "tenant": tenant.pk, "org": job.partner_org_id, "job": job.pk},
        )
        written = cursor.rowcount
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed, written


def import_seconds(tenant, membership, org, path):
    with tenant_scope(tenant):
        upload = upload_of(path)
        pos_import = pos_import_create(actor_membership=membership, partner_org=org, upload=upload)
        upload.close()
        start = time.perf_counter()
        while True:
            pos_import.refresh_from_db()
            if pos_import.status in (PosImport.Status.COMPLETED, PosImport.Status.FAILED):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    if pos_import.status == PosImport.Status.FAILED:
        raise SystemExit(f"import failed: {pos_import.error_message}")
    return elapsed, pos_import


def setup_tenant():
    slug = f"bench-{uuid.uuid4().hex[:6]}"
    tenant = Tenant.objects.create(name=f"Bench {slug}", slug=slug)
    with tenant_scope(tenant):
        admin = user_get_or_create(email=f"admin@{slug}.test", password=None)
        membership_create(user=admin, role=Role.VENDOR_ADMIN, actor=None)
        membership = Membership.objects.select_related("user", "partner_org").get(user=admin)
        skus = [f"B-{n:05d}" for n in range(SKU_COUNT)]
        Product.objects.bulk_create([Product(sku=sku, name=f"Bench {sku}") for sku in skus])
    return tenant, membership, skus


def new_distributor(tenant, membership, name):
    with tenant_scope(tenant):
        org = partner_org_create(actor_membership=membership, name=name, partner_type="distributor", country="US")
        ColumnMapping.objects.create(
            partner_org=org, name="bench", header=HEADER, header_signature=header_signature(HEADER), columns=COLUMNS
        )
    return org


def report(label, lines, seconds, baseline=None):
    ratio = (
        f"   ratio to raw COPY: {baseline / seconds:.2f} of its speed (b/a time = {seconds / baseline:.2f})"
        if baseline
        else ""
    )
    print(f"{label:<44} {lines:>9,} lines {seconds:8.2f} s {lines / seconds:>11,.0f} lines/s{ratio}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--xlsx-lines", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=0, help="also a CSV of this many lines, for the memory curve")
    args = parser.parse_args()
    print_durability()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tenant, membership, skus = setup_tenant()
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    celery_app.conf.task_routes = {"pos.tasks.run_pos_import": {"queue": queue}}
    print(f"generating files under {BENCH_DIR} (cached between runs)…", flush=True)
    csv_path = csv_file(args.lines, skus, seed=1)
    xlsx_path = xlsx_file(args.xlsx_lines, skus, seed=2) if args.xlsx_lines else None
    big_path = csv_file(args.big, skus, seed=3) if args.big else None

    worker = start_worker(queue)
    try:
        time.sleep(3)
        idle_rss = current_rss_mb(worker.pid)
        print(f"worker idle RSS {idle_rss:.0f} MB")
        raw = raw_copy_seconds(csv_path)
        report("(a) raw COPY into an unindexed table", args.lines, raw)
        raw_logged = raw_copy_seconds(csv_path, logged=True)
        report("(a') the same into an ordinary (logged) table", args.lines, raw_logged)
        seconds, job = import_seconds(tenant, membership, new_distributor(tenant, membership, "Bench CSV"), csv_path)
        report("(b) full CSV import (worker)", args.lines, seconds, baseline=raw)
        print(f"    accepted {job.lines_accepted:,}, rejected {job.lines_rejected:,}: {job.reject_reasons}")
        print(f"    worker peak RSS so far: {peak_rss_mb(worker.pid):.0f} MB")
        floor, accepted = write_floor_seconds(tenant, job)
        report("(f) floor: the accepted lines written alone", accepted, floor)
        print(f"    (a') + (f) = {raw_logged + floor:.2f} s before any validation, repeat or reject is handled")
        minimal, written = minimal_pipeline_seconds(tenant, job, csv_path)
        report("(m) minimal load: COPY, SKU + date, write", args.lines, minimal)
        print(
            f"    {written:,} lines written; {args.lines / 150_000 - minimal:.2f} s of the target's"
            f" {args.lines / 150_000:.2f} s would be left for every other rule, repeats and rejects"
        )
        if xlsx_path:
            seconds, job = import_seconds(
                tenant, membership, new_distributor(tenant, membership, "Bench XLSX"), xlsx_path
            )
            report("(x) full XLSX import (worker)", args.xlsx_lines, seconds)
            print(f"    accepted {job.lines_accepted:,}, rejected {job.lines_rejected:,}")
            print(f"    worker peak RSS so far: {peak_rss_mb(worker.pid):.0f} MB")
        if big_path:
            seconds, job = import_seconds(
                tenant, membership, new_distributor(tenant, membership, "Bench big"), big_path
            )
            report("(c) full CSV import, big file (worker)", args.big, seconds)
            print(f"    worker peak RSS so far: {peak_rss_mb(worker.pid):.0f} MB")
        print(f"worker peak RSS (VmHWM) over the whole run: {peak_rss_mb(worker.pid):.0f} MB")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        with tenant_scope(tenant):  # the lines go; audit rows cannot, so the tenant stays, suspended
            PosLine.objects.all().delete()
            PosReject.objects.all().delete()
            PosSalesRollup.objects.all().delete()
        Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.SUSPENDED)
        vacuum_lines_tables()


def vacuum_lines_tables():
    """Give back the room of the deleted lines, so that the next run loads into a table like a production
    one (which only grows) and not into millions of dead rows. VACUUM is the owner's right: the owner role."""
    as_owner("VACUUM pos_posline, pos_posreject")


if __name__ == "__main__":
    main()
