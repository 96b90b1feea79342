"""Page speed under load: each role's pages against a real gunicorn, beside a minimal signed-in view.

  set -a; . run/.env; set +a; .venv/bin/python bench/pages.py [--seconds 5] [--rebuild]

Needs the project-local PostgreSQL and Redis (make services) and wrk (scripts/system_deps.sh). The first run
builds a tenant `bench-pages` and keeps it for the next runs (`--rebuild` builds a new one): 5,000 partner
organisations (a channel manager limited to a territory of 500 of them, channel manager of 250), 5,000 SKUs and
1,000,000 POS lines loaded through the real import by a Celery worker (the partner admin's distributor half,
five other distributors a tenth each, over the last 180 days), a monthly reporting cadence for distributors.

It starts gunicorn the way `make demo` does (scripts/run_servers.sh: 2 workers × 4 threads) on a free port of
127.0.0.1 with PRM_BENCH_VIEWS=1, signs in as each role through the sign-in form (an API token for the API),
checks every page answers 200, then drives each page with wrk for --seconds: throughput at 50 connections,
latency at 10 (`wrk --latency`). Prints:
  (a)  the minimal signed-in view (prm.portal.views.bench_minimal: the middleware stack, no work) — the baseline,
  (a') an empty page in the portal layout (what navigation and branding add),
  (a'') the partner list's template with a page of 25 partners built in memory (no query of its own): what a
       list page's template costs before it reads anything,
  (b)  one line per role and page: req/s at 50 connections, p50 and p99 at 10, and ratio = page req/s ÷ (a) req/s.
Targets (issue 12): every ratio ≥ 0.50 and every p99 ≤ 0.40 s.
"""

import argparse
import datetime
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
django.setup()

import requests  # noqa: E402
from django.db import transaction  # noqa: E402

from bench.common import print_durability  # noqa: E402
from bench.pos_import import import_seconds, new_distributor, start_worker  # noqa: E402
from pos.apps import SALES_OUT_REPORT_KIND  # noqa: E402
from pos.demo import sales_rows, write_sales_csv  # noqa: E402
from pos.models import PosLine  # noqa: E402
from prm.accounts.models import Membership, PartnerOrg, Role  # noqa: E402
from prm.accounts.services import api_token_create, membership_create, user_get_or_create  # noqa: E402
from prm.cadences.services import cadence_create  # noqa: E402
from prm.catalog.models import Product  # noqa: E402
from prm.celery import app as celery_app  # noqa: E402
from prm.companies import company_key  # noqa: E402
from prm.tenancy.context import tenant_scope  # noqa: E402
from prm.tenancy.models import Domain, Tenant  # noqa: E402
from prm.tenancy.services import tenant_create  # noqa: E402
from prm.territories.models import PartnerOrgTerritory  # noqa: E402
from prm.territories.services import territory_assign_staff, territory_create, territory_limit_create  # noqa: E402

BENCH_DIR = ROOT / "run" / "bench"
SLUG = "bench-pages"
PASSWORD = "bench-pages-2026"
PARTNERS = 5000
SKUS = 5000
BIG_DISTRIBUTOR_LINES = 521_000  # ~4 % of a file's lines are bad or repeated: 1,000,000 lines are kept
OTHER_DISTRIBUTORS = 5
OTHER_DISTRIBUTOR_LINES = 104_200
TYPES = ["reseller", "var", "system_integrator", "msp", "referral"]
COUNTRIES = ["US", "DE", "FR", "GB", "NL", "ES", "IT", "SE", "PL", "CA"]

# Each role's page mix: its home, its lists, the POS pages and the API lists it uses.
PAGES = {
    "vendor admin": [
        "/",
        "/partner-orgs/",
        "/users/",
        "/pos/imports/",
        "/pos/lines/",
        "/pos/quality/",
        "/audit/",
        "/api/v1/partner-orgs/",
        "/api/v1/pos/lines/",
    ],
    "channel manager": ["/", "/partner-orgs/", "/pos/imports/", "/pos/lines/", "/pos/quality/"],
    "partner admin": [
        "/",
        "/pos/imports/",
        "/pos/lines/",
        "/pos/quality/",
        "/api/v1/pos/imports/",
        "/api/v1/pos/lines/",
    ],
    "partner user": ["/", "/pos/lines/", "/catalog/products/"],
}


@dataclass
class Login:
    email: str
    cookie: str = ""
    token: str = ""


def emails():
    return {
        "vendor admin": f"admin@{SLUG}.test",
        "channel manager": f"cm@{SLUG}.test",
        "partner admin": f"admin@distributor-0.{SLUG}.test",
        "partner user": f"rep@distributor-0.{SLUG}.test",
    }


# The tenant ------------------------------------------------------------------------------------------------


def build_tenant():
    """A new `bench-pages` tenant (an older one is renamed away and suspended)."""
    for old in Tenant.objects.filter(slug=SLUG):  # its rows stay (audit rows cannot go), out of the way
        Domain.objects.filter(tenant=old).delete()
        old.slug = f"{SLUG}-old-{uuid.uuid4().hex[:6]}"
        old.status = Tenant.Status.SUSPENDED
        old.save(update_fields=["slug", "status"])
    tenant, _ = tenant_create(
        slug=SLUG, name="Bench Pages", admin_email=emails()["vendor admin"], admin_password=PASSWORD
    )
    with tenant_scope(tenant):
        admin = Membership.objects.select_related("user").get(user__email=emails()["vendor admin"])
        skus = [f"BP-{n:05d}" for n in range(SKUS)]
        Product.objects.bulk_create(
            [Product(sku=sku, name=f"Bench product {sku}", family=f"Family {n % 12}") for n, sku in enumerate(skus)]
        )
        _partners()
        _channel_manager(admin)
        cadence_create(
            actor_membership=admin,
            report_kind=SALES_OUT_REPORT_KIND,
            frequency="monthly",
            partner_type="distributor",
            day_of_month=10,
        )
    _load_lines(tenant, admin, skus)
    return tenant


def _member(email, role, partner_org=None):
    user = user_get_or_create(email=email, password=PASSWORD)
    membership_create(user=user, role=role, actor=None, partner_org=partner_org)
    return Membership.objects.select_related("user", "partner_org").get(user=user)


@transaction.atomic
def _partners():
    """5,000 partner organisations, written in bulk as an import would; the distributors come with the lines."""
    names = [f"Bench Partner {n:04d} {('GmbH', 'Ltd', 'Inc', 'SARL', 'BV')[n % 5]}" for n in range(PARTNERS)]
    PartnerOrg.objects.bulk_create(
        [
            PartnerOrg(name=name, name_key=company_key(name), partner_type=TYPES[n % 5], country=COUNTRIES[n % 10])
            for n, name in enumerate(names[: PARTNERS - 1 - OTHER_DISTRIBUTORS])
        ]
    )


@transaction.atomic
def _channel_manager(admin):
    manager = _member(emails()["channel manager"], Role.CHANNEL_MANAGER)
    territory = territory_create(actor_membership=admin, name="Bench region", code="BENCH")
    orgs = list(PartnerOrg.objects.order_by("name").values_list("pk", flat=True)[:500])
    PartnerOrgTerritory.objects.bulk_create([PartnerOrgTerritory(territory=territory, partner_org_id=o) for o in orgs])
    PartnerOrg.objects.filter(pk__in=orgs[:250]).update(channel_manager=manager)
    territory_assign_staff(actor_membership=admin, territory=territory, membership=manager)
    territory_limit_create(actor_membership=admin, membership=manager)


def _load_lines(tenant, admin, skus):
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    celery_app.conf.task_routes = {"pos.tasks.run_pos_import": {"queue": queue}}
    worker = start_worker(queue)
    try:
        sizes = [BIG_DISTRIBUTOR_LINES] + [OTHER_DISTRIBUTOR_LINES] * OTHER_DISTRIBUTORS
        for number, lines in enumerate(sizes):
            org = new_distributor(tenant, admin, f"Bench Distributor {number}")
            if number == 0:
                with tenant_scope(tenant):
                    manager = Membership.objects.get(user__email=emails()["channel manager"])
                    PartnerOrg.objects.filter(pk=org.pk).update(channel_manager=manager)
                    _member(emails()["partner admin"], Role.PARTNER_ADMIN, org)
                    _member(emails()["partner user"], Role.PARTNER_USER, org)
            seconds, job = import_seconds(tenant, admin, org, _sales_file(lines, skus, seed=10 + number))
            print(f"    loaded {job.lines_accepted:,} lines for {org.name} in {seconds:.2f} s", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _sales_file(lines, skus, seed):
    path = BENCH_DIR / f"pages-{lines}-{seed}-{datetime.date.today():%Y%m%d}.csv"
    if not path.exists():
        rows = sales_rows(
            lines=lines,
            skus=skus,
            prices=dict.fromkeys(skus, 250),
            start=datetime.date.today() - datetime.timedelta(days=180),
            days=180,
            seed=seed,
            customers=20000,
        )
        with open(path, "w", newline="") as handle:
            write_sales_csv(handle, rows)
    return path


# The server and the load -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port):
    """gunicorn as scripts/run_servers.sh starts it for `make demo`, with the bench's baseline views routed."""
    log = open(BENCH_DIR / "pages-web.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "prm.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "4", "--access-logfile", str(BENCH_DIR / "pages-access.log")],
        # The API's per-token limits stay on (their Redis round trip is part of a request's cost), raised so that
        # wrk's thousands of requests a second on one token are answered rather than refused with 429.
        env={
            **os.environ,
            "PRM_BENCH_VIEWS": "1",
            "PRM_API_THROTTLE_BURST": "10000000/min",
            "PRM_API_THROTTLE_SUSTAINED": "100000000/hour",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/health/", headers={"Host": "localhost"}, timeout=5)
            return server
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still loading the app
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn does not answer: see {BENCH_DIR / 'pages-web.log'}")


def sign_in(base, host, login):
    """Signs in through the sign-in form; returns the Cookie header of the signed-in session."""
    session = requests.Session()
    session.headers["Host"] = host
    page = session.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": login.email, "password": PASSWORD},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"{login.email} could not sign in: {answer.status_code}")
    login.cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return login


def headers_for(path, host, login):
    if path.startswith("/api/"):
        return {"Host": host, "Authorization": f"Token {login.token}"}
    return {"Host": host, "Cookie": login.cookie}


def check_page(base, path, headers):
    answer = requests.get(base + path, headers=headers, allow_redirects=False, timeout=60)
    if answer.status_code != 200:
        raise SystemExit(f"{path} answers {answer.status_code}, not 200: the bench would measure an error")


def wrk(url, headers, *, connections, seconds, latency=False):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, *(["--latency"] if latency else []), url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"{url}: wrk saw error answers:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)\.000%\s+([\d.]+\w+)", output, re.M)) or dict(
        re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M)
    )
    latency = {key: _seconds(value) for key, value in percentiles.items()}
    errors = re.search(r"Socket errors: (.*)", output)  # e.g. timeouts: their requests are in no percentile
    latency["errors"] = errors.group(1) if errors else ""
    return rate, latency


def _seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def measure(base, path, headers, seconds):
    drain(base)
    rate, _ = wrk(base + path, headers, connections=50, seconds=seconds)
    drain(base)
    _, latency = wrk(base + path, headers, connections=10, seconds=seconds, latency=True)
    return rate, latency


def drain(base):
    """Wait for the requests a finished wrk run left queued (a slow page's backlog outlives the run by seconds) to
    be served, so that they do not slow the next run: the health check queues behind them."""
    requests.get(f"{base}/health/", headers={"Host": "localhost"}, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="wrk's duration for each measurement")
    parser.add_argument("--rebuild", action="store_true", help="build a new bench tenant")
    args = parser.parse_args()
    print_durability()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None or args.rebuild:
        print(f"building the bench tenant {SLUG} (kept for the next runs)…", flush=True)
        tenant = build_tenant()
    with tenant_scope(tenant):
        print(
            f"tenant {SLUG}: {PartnerOrg.objects.count():,} partners, {PosLine.objects.count():,} POS lines", flush=True
        )
        logins = {role: Login(email) for role, email in emails().items()}
        for login in logins.values():
            user = Membership.objects.get(user__email=login.email).user
            login.token = api_token_create(user=user, name=f"bench {uuid.uuid4().hex[:6]}")[1]
    port = free_port()
    base, host = f"http://127.0.0.1:{port}", f"{SLUG}.localhost:{port}"
    server = start_gunicorn(port)
    try:
        for login in logins.values():
            sign_in(base, host, login)
        run_mix(base, host, logins, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_mix(base, host, logins, seconds):
    admin = headers_for("/", host, logins["partner admin"])
    for path in ("/bench/minimal/", "/bench/layout/", "/bench/table/"):
        check_page(base, path, admin)
    minimal, minimal_latency = measure(base, "/bench/minimal/", admin, seconds)
    print(f"(a) minimal view (partner admin)  {minimal:.0f} req/s{_latency(minimal_latency)}", flush=True)
    layout, layout_latency = measure(base, "/bench/layout/", admin, seconds)
    print(
        f"(a') empty page in the layout     {layout:.0f} req/s{_latency(layout_latency)}"
        f"  ratio {layout / minimal:.2f} (page req/s ÷ (a) req/s)",
        flush=True,
    )
    table, table_latency = measure(base, "/bench/table/", admin, seconds)
    print(
        f"(a'') a list page's template alone  {table:.0f} req/s{_latency(table_latency)}"
        f"  ratio {table / minimal:.2f} (page req/s ÷ (a) req/s)",
        flush=True,
    )
    for role, paths in PAGES.items():
        for path in paths:
            headers = headers_for(path, host, logins[role])
            check_page(base, path, headers)
            rate, latency = measure(base, path, headers, seconds)
            print(
                f"(b) {role} {path}  {rate:.0f} req/s{_latency(latency)}  ratio {rate / minimal:.2f}"
                " (page req/s ÷ (a) req/s)",
                flush=True,
            )


def _latency(latency):
    errors = f"  (wrk socket errors: {latency['errors']})" if latency["errors"] else ""
    return f"  p50 {latency['50']:.2f} s  p99 {latency['99']:.2f} s{errors}"


if __name__ == "__main__":
    main()
