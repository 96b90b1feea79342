"""Realistic sales-out files, for the demo data, the benchmarks and the worker-crash test.

A distributor's monthly report: invoices of one to five lines, a few thousand end customers, two-tier
resellers, returns (negative quantities), and a small share of the mistakes real files carry (unknown SKUs,
impossible dates, zero quantities, unknown countries) plus lines repeated from earlier in the file.
"""

import csv
import datetime
import random
from zoneinfo import ZoneInfo

HEADER = [
    "Invoice No",
    "Invoice Date",
    "Part Number",
    "Qty",
    "Unit Price",
    "Currency",
    "End Customer",
    "Country",
    "Postcode",
    "Reseller",
]
COLUMNS = {
    "invoice_number": 0,
    "invoice_date": 1,
    "sku": 2,
    "quantity": 3,
    "unit_price": 4,
    "currency": 5,
    "end_customer_name": 6,
    "end_customer_country": 7,
    "end_customer_postcode": 8,
    "reseller_name": 9,
}
COUNTRIES = ["US", "DE", "GB", "FR", "NL", "ES", "IT", "SE", "CA", "AU", "JP", "SG"]
SUFFIXES = ["Inc", "LLC", "GmbH", "Ltd", "SA", "BV", "AB", "Pty Ltd", "KK", "Corp"]
WORDS = [
    "Acme",
    "Apex",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orion",
    "Pioneer",
    "Quartz",
    "River",
    "Summit",
    "Titan",
    "Umbra",
    "Vertex",
    "Willow",
    "Zenith",
]
MISTAKES = ("unknown_sku", "invalid_date", "zero_quantity", "unknown_country")


def end_customers(rng, count):
    return [
        (
            f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}",
            rng.choice(COUNTRIES),
            f"{rng.randrange(10000, 99999)}",
        )
        for _ in range(count)
    ]


def sales_rows(
    *,
    lines,
    skus,
    prices,
    start,
    days,
    seed,
    customers=3000,
    resellers=500,
    bad_share=0.03,
    duplicate_share=0.01,
    currency="USD",
):
    """Yield `lines` rows (lists of text, HEADER's columns). `prices` maps SKU → list price."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    buyers = end_customers(rng, customers)
    reseller_names = [f"{rng.choice(WORDS)} Reseller {n}" for n in range(resellers)] or [""]
    recent = []
    invoice = 0
    written = 0
    while written < lines:
        invoice += 1
        day = start + datetime.timedelta(days=rng.randrange(days))
        buyer = rng.choice(buyers)
        reseller = rng.choice(reseller_names)
        for _ in range(rng.randint(1, 5)):
            if written >= lines:
                return
            sku = rng.choice(skus)
            quantity = rng.choice((1, 1, 1, 2, 2, 3, 5, 10, 20)) * (-1 if rng.random() < 0.02 else 1)
            price = f"{prices[sku] * rng.uniform(0.6, 0.8):.2f}"
            row = [
                f"INV-{seed}-{invoice:07d}",
                day.isoformat(),
                sku,
                str(quantity),
                price,
                currency,
                buyer[0],
                buyer[1],
                buyer[2],
                reseller,
            ]
            roll = rng.random()
            if roll < bad_share:
                mistake = MISTAKES[rng.randrange(len(MISTAKES))]
                if mistake == "unknown_sku":
                    row[2] = f"ZZ-{rng.randrange(1000)}"
                elif mistake == "invalid_date":
                    row[1] = f"{day.year}-02-30"
                elif mistake == "zero_quantity":
                    row[3] = "0"
                else:
                    row[7] = "Atlantis"
            elif roll < bad_share + duplicate_share and recent:
                row = list(rng.choice(recent))
            recent.append(row)
            if len(recent) > 50:
                recent.pop(0)
            written += 1
            yield row


def write_sales_csv(handle, rows, delimiter=";"):
    """Write HEADER and `rows` as CSV text to an open text handle."""
    writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)


def _seed_reporting_cadences(admin_membership):
    """Distributors report each month by the 10th; the first reseller reports weekly, on Mondays."""
    from pos.apps import SALES_OUT_REPORT_KIND
    from prm.accounts.models import PartnerOrg
    from prm.cadences.models import ReportingCadence
    from prm.cadences.services import cadence_create

    cadence_create(
        actor_membership=admin_membership,
        report_kind=SALES_OUT_REPORT_KIND,
        frequency=ReportingCadence.Frequency.MONTHLY,
        partner_type="distributor",
        day_of_month=10,
    )
    reseller = PartnerOrg.objects.filter(partner_type="reseller").order_by("name").first()
    cadence_create(
        actor_membership=admin_membership,
        report_kind=SALES_OUT_REPORT_KIND,
        frequency=ReportingCadence.Frequency.WEEKLY,
        partner_org=reseller,
        weekday=ReportingCadence.Weekday.MONDAY,
    )


def _report_months():
    """[(the first day of a month of sales, the day its report arrived)]: the three months ending with the month
    before last (the tenant's today), oldest first, each report sent on the 4th of the next month — so the home
    pages' quarter figures and charts show recent sales, and reports came in before their due dates."""
    from prm.fiscal import tenant_today

    first = tenant_today().replace(day=1)
    months = []
    for _ in range(3 + 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    sales = months[:0:-1]  # the month before last, and the two before it, oldest first
    return [(month, (month + datetime.timedelta(days=31)).replace(day=4)) for month in sales]


def seed_pos_demo(*, admin_membership, seed):
    """POS's demo seeder (registered in pos/apps.py): three months of sales-out reports for the distributors
    (and one reseller reporting with its own part numbers), loaded through the real pipeline: the first upload
    saves the column template, later months use it, every file has a few rejected lines to look at. Runs the
    loads in-process (Celery eager)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pos.models import PartnerPartNumber, PosImport
    from pos.services.imports import column_mapping_save, pos_import_create
    from prm.accounts.models import PartnerOrg
    from prm.catalog.models import Product
    from prm.celery import app as celery_app

    _seed_reporting_cadences(admin_membership)
    partners = list(PartnerOrg.objects.filter(partner_type="distributor").order_by("name"))
    partners += list(PartnerOrg.objects.filter(partner_type="reseller").order_by("name")[:1])
    products = list(Product.objects.all())
    currency = admin_membership.tenant.reporting_currency
    skus = [p.sku for p in products]
    prices = {p.sku: 500 + 37 * (i % 40) for i, p in enumerate(products)}
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        for index, org in enumerate(partners):
            reseller = org.partner_type != "distributor"
            if reseller:
                for product in products[:5]:
                    PartnerPartNumber.objects.create(
                        partner_org=org, partner_sku=f"{org.name[:3].upper()}-{product.sku}", product=product
                    )
            for month_start, arrival in _report_months():
                rows = list(
                    sales_rows(
                        lines=400 if reseller else 1500,
                        skus=skus,
                        prices=prices,
                        start=month_start,
                        days=28,
                        seed=seed * 100 + index * 10 + month_start.month,
                        customers=150,
                        resellers=0 if reseller else 40,
                        currency=currency,
                    )
                )
                if reseller:
                    for row in rows[::7]:
                        if row[2] in skus[:5]:
                            row[2] = f"{org.name[:3].upper()}-{row[2]}"
                buffer = io.StringIO()
                write_sales_csv(buffer, rows)
                upload = SimpleUploadedFile(
                    f"{org.name.split()[0].lower()}-sales-{month_start:%Y-%m}.csv", buffer.getvalue().encode()
                )
                pos_import = pos_import_create(actor_membership=admin_membership, upload=upload, partner_org=org)
                if pos_import.status == "needs_mapping":
                    column_mapping_save(
                        actor_membership=admin_membership,
                        pos_import=pos_import,
                        name=f"{org.name} monthly report",
                        columns=COLUMNS,
                        date_format="YYYY-MM-DD",
                        decimal_separator=".",
                    )
                # The demo's report arrived when a partner would have sent it (loaded now, dated then).
                sent = datetime.datetime.combine(arrival, datetime.time(9), ZoneInfo(admin_membership.tenant.time_zone))
                PosImport.objects.filter(pk=pos_import.pk).update(created_at=sent)
    finally:
        celery_app.conf.task_always_eager = was_eager
