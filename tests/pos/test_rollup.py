"""The sales rollup (pos/services/rollup.py) is equal to a direct sum over the lines — after imports, a re-import,
returns, lines sent through the API, FX rates added later — with every line converted by the rule of
`prm.ledger.fx.rate_on` (the Python function is the oracle the SQL is checked against)."""

import datetime
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from pos.models import PosLine, PosPartnerMonthSales, PosSalesRollup
from pos.services.imports import pos_lines_submit
from pos.services.rollup import rollup_rebuild
from prm.ledger.fx import MissingFxRate, rate_on
from prm.ledger.models import FxRate
from prm.ledger.signals import fx_rates_changed
from prm.services import Conflict
from prm.tenancy.context import tenant_scope
from tests.factories.populate import pos_line
from tests.pos.conftest import HEADER, csv_file, membership, run_import

HEADER_WITH_SPACE = HEADER.replace("Qty", "Qty ")  # another file (other bytes) with the same lines

KEYS = ("partner_org_id", "product_id", "month", "currency")
CENT = Decimal("0.0001")


def add_rate(world, base, quote, rate, valid_from):
    with tenant_scope(world.tenant_a):
        FxRate.objects.create(base_currency=base, quote_currency=quote, rate=Decimal(rate), valid_from=valid_from)


def expected_rollup(world):
    """{key: (quantity, amount, amount_reporting, line_count, lines_without_rate)} summed from the lines, each
    converted with prm.ledger.fx.rate_on and rounded to 4 decimals half away from zero."""
    totals = defaultdict(lambda: [0, Decimal(0), Decimal(0), 0, 0])
    with tenant_scope(world.tenant_a):
        reporting = world.tenant_a.reporting_currency
        lines = PosLine.objects.annotate(month=TruncMonth("invoice_date"))
        for line in lines.values(*KEYS, "invoice_date", "quantity", "unit_price"):
            row = totals[tuple(line[k] for k in KEYS)]
            amount = line["quantity"] * line["unit_price"]
            row[0] += line["quantity"]
            row[1] += amount
            row[3] += 1
            try:
                on = line["invoice_date"]
                rate = 1 if line["currency"] == reporting else rate_on(base=line["currency"], quote=reporting, on=on)[0]
            except MissingFxRate:
                row[4] += 1
            else:
                row[2] += (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return {key: tuple(row) for key, row in totals.items()}


def row_key(world, product, month, currency):
    return (world.org1.pk, product.pk, datetime.date.fromisoformat(month), currency)


def rollup(world):
    with tenant_scope(world.tenant_a):
        return {
            tuple(r[k] for k in KEYS): (
                r["quantity"],
                r["amount"],
                r["amount_reporting"],
                r["line_count"],
                r["lines_without_rate"],
            )
            for r in PosSalesRollup.objects.values()
        }


def direct_sum(world):
    """The line-currency part, as one SQL GROUP BY over pos_posline (what the rollup must equal)."""
    with tenant_scope(world.tenant_a):
        rows = (
            PosLine.objects.annotate(month=TruncMonth("invoice_date"))
            .values(*KEYS)
            .annotate(units=Sum("quantity"), value=Sum(F("quantity") * F("unit_price")))
        )
        return {tuple(r[k] for k in KEYS): (r["units"], r["value"]) for r in rows}


def partner_months(world):
    with tenant_scope(world.tenant_a):
        return {
            (r.partner_org_id, r.month): (r.amount_reporting, r.line_count, r.lines_without_rate)
            for r in PosPartnerMonthSales.objects.all()
        }


def expected_partner_months(world):
    """The expected rollup summed per partner and month (over products and currencies)."""
    totals = defaultdict(lambda: [Decimal(0), 0, 0])
    for (partner, _product, month, _currency), row in expected_rollup(world).items():
        for index, value in enumerate((row[2], row[3], row[4])):
            totals[partner, month][index] += value
    return {key: tuple(row) for key, row in totals.items()}


def assert_rollup_is_the_lines(world):
    actual = rollup(world)
    assert actual == expected_rollup(world)
    assert {key: row[:2] for key, row in actual.items()} == direct_sum(world)
    assert partner_months(world) == expected_partner_months(world)
    return actual


def rows_of(invoice_prefix, lines):
    """CSV body lines: (invoice suffix, date, sku, quantity, price, currency, customer)."""
    return "".join(
        f"{invoice_prefix}-{inv};{day};{sku};{qty};{price};{cur};{customer};DE\n"
        for inv, day, sku, qty, price, cur, customer in lines
    )


FIRST = [
    ("1", "2026-01-05", "AX-24", 3, "120.50", "USD", "Initech GmbH"),
    ("1", "2026-01-05", "AX-48", 1, "990.00", "EUR", "Initech GmbH"),
    ("2", "2026-01-20", "AX-24", 2, "120.50", "EUR", "INITECH   GmbH"),  # the same end-customer key
    ("3", "2026-02-01", "AX-24", 5, "99.99", "GBP", "Globex"),
    ("4", "2026-02-14", "AX-48", 1, "1000", "JPY", "Globex"),  # no JPY rate: counted, not summed
    ("5", "2026-03-31", "NW-24", 7, "10.0001", "EUR", "Umbrella"),
]
RETURNS = [
    ("6", "2026-01-25", "AX-24", -1, "120.50", "EUR", "Initech GmbH"),  # returns reduce the same rows
    ("7", "2026-02-20", "AX-24", -2, "99.99", "GBP", "Globex"),
    ("8", "2026-03-02", "AX-48", 4, "990.00", "USD", "Hooli"),
]


@pytest.fixture
def rates(world):
    """EUR→USD directly; GBP only as USD→GBP (converted at its inverse); no JPY rate."""
    add_rate(world, "EUR", "USD", "1.1", datetime.date(2025, 12, 1))
    add_rate(world, "EUR", "USD", "1.2", datetime.date(2026, 1, 20))  # from its first day on
    add_rate(world, "USD", "GBP", "0.8", datetime.date(2026, 1, 1))


def test_the_rollup_equals_the_lines_after_imports_a_reimport_and_returns(
    world, catalog, rates, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = run_import(world, csv_file(rows_of("A", FIRST)), capture=capture)
    assert first.lines_accepted == 6
    after_first = assert_rollup_is_the_lines(world)
    # AX-24 in EUR in January: one line, at 1.2 (the rate from 01-20 on); JPY counted, not summed.
    january_eur = after_first[row_key(world, catalog["AX-24"], "2026-01-01", "EUR")]
    assert january_eur == (2, Decimal("241.0000"), Decimal("289.2000"), 1, 0)
    jpy = next(v for k, v in after_first.items() if k[3] == "JPY")
    assert (jpy[2], jpy[4]) == (Decimal(0), 1)

    with pytest.raises(Conflict):  # the same file again: refused, nothing changes
        run_import(world, csv_file(rows_of("A", FIRST)), capture=capture)
    again = run_import(
        world, csv_file(rows_of("A", FIRST), name="resent.csv", header=HEADER_WITH_SPACE), capture=capture
    )
    assert (again.lines_accepted, again.lines_rejected) == (0, 6)  # every line a duplicate of a loaded one
    assert rollup(world) == after_first

    returns = run_import(world, csv_file(rows_of("A", RETURNS), name="returns.csv"), capture=capture)
    assert returns.lines_accepted == 3
    after_returns = assert_rollup_is_the_lines(world)
    january_eur = after_returns[row_key(world, catalog["AX-24"], "2026-01-01", "EUR")]
    assert january_eur == (1, Decimal("120.5000"), Decimal("144.6000"), 2, 0)


def test_lines_sent_through_the_api_are_added_to_the_rollup(world, catalog, rates, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", FIRST)), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        pos_lines_submit(
            actor_membership=membership(world, world.pat),
            lines=[
                pos_line("API-1", "AX-24", invoice_date="2026-01-05", currency="EUR", quantity=-3),
                pos_line("API-2", "AX-48", invoice_date="2026-04-01", currency="GBP", unit_price=12.345),
                pos_line("API-3", "NOPE"),  # rejected: not in the rollup
            ],
        )
    assert_rollup_is_the_lines(world)
    with tenant_scope(world.tenant_a):
        assert PosSalesRollup.objects.aggregate(n=Sum("line_count"))["n"] == PosLine.objects.count() == 8


def test_an_fx_rate_added_later_recomputes_the_affected_rows(world, catalog, rates, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", FIRST)), capture=django_capture_on_commit_callbacks)
    before = rollup(world)
    add_rate(world, "JPY", "USD", "0.0067", datetime.date(2026, 2, 10))  # after the loads: their rows had no rate
    add_rate(world, "USD", "EUR", "0.5", datetime.date(2026, 3, 15))  # an inverse newer than the direct rate
    fx_rates_changed.send(
        sender=FxRate,
        tenant_id=world.tenant_a.pk,
        pairs=frozenset({("JPY", "USD"), ("USD", "JPY"), ("USD", "EUR"), ("EUR", "USD")}),
        valid_from=datetime.date(2026, 2, 10),
    )
    after = assert_rollup_is_the_lines(world)
    jpy = next(v for k, v in after.items() if k[3] == "JPY")
    assert (jpy[2], jpy[4]) == (Decimal("6.7000"), 0)
    march_eur = row_key(world, catalog["AX-24"], "2026-03-01", "EUR")  # Umbrella's NW-24 line
    assert after[march_eur][2] == Decimal("140.0014") != before[march_eur][2]  # 70.0007 EUR at 1 / 0.5
    january = {k: v for k, v in after.items() if k[2] < datetime.date(2026, 2, 1)}
    assert january == {k: v for k, v in before.items() if k[2] < datetime.date(2026, 2, 1)}


def test_the_recompute_is_idempotent_and_rebuild_gives_the_same_rollup(
    world, catalog, rates, django_capture_on_commit_callbacks
):
    run_import(world, csv_file(rows_of("A", FIRST + RETURNS)), capture=django_capture_on_commit_callbacks)
    loaded = rollup(world)
    for _ in range(2):
        fx_rates_changed.send(
            sender=FxRate, tenant_id=world.tenant_a.pk, pairs={("EUR", "USD")}, valid_from=datetime.date(2026, 1, 1)
        )
        assert rollup(world) == loaded
    months = partner_months(world)
    with tenant_scope(world.tenant_a):
        PosSalesRollup.objects.all().delete()
        PosPartnerMonthSales.objects.filter(month__gte=datetime.date(2026, 2, 1)).update(amount_reporting=0)
        rollup_rebuild()  # the backfill migration's step
    assert rollup(world) == loaded
    assert partner_months(world) == months == expected_partner_months(world)


BOUNDARY_RATES = [
    ("EUR", "USD", "1.5", datetime.date(2026, 1, 10)),
    ("USD", "EUR", "0.5", datetime.date(2026, 1, 10)),  # same day as the direct rate: the direct one holds
    ("USD", "EUR", "0.25", datetime.date(2026, 1, 20)),  # newer inverse: 1 / 0.25
    ("USD", "GBP", "2048", datetime.date(2026, 1, 1)),  # 1 / 2048 = 0.00048828125: a tie at the 10th decimal
    ("CHF", "USD", "0.3333333333", datetime.date(2026, 1, 1)),
]


def test_the_sql_conversion_agrees_with_rate_on_on_boundary_dates_and_inverse_rates(
    world, catalog, django_capture_on_commit_callbacks
):
    for base, quote, rate, valid_from in BOUNDARY_RATES:
        add_rate(world, base, quote, rate, valid_from)
    days = ["2026-01-09", "2026-01-10", "2026-01-19", "2026-01-20", "2026-02-01"]
    lines = [
        (f"{cur}{n}", day, "AX-24", 7, "1234567.8901", cur, f"Customer {cur}{n}")
        for cur in ("EUR", "GBP", "CHF")
        for n, day in enumerate(days)
    ]
    run_import(world, csv_file(rows_of("B", lines)), capture=django_capture_on_commit_callbacks)
    actual = assert_rollup_is_the_lines(world)
    january_eur = actual[(world.org1.pk, catalog["AX-24"].pk, datetime.date(2026, 1, 1), "EUR")]
    assert january_eur[3:] == (4, 1)  # four lines; the one of 01-09, before any EUR rate, without a rate


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollup_equals_the_lines_for_a_generated_mix_of_files(
    world, catalog, rates, django_capture_on_commit_callbacks, seed
):
    """Several generated files: sales and returns, repeats across files, currencies with and without rates, dates
    around the rates' boundaries and across months; after each file the rollup equals the lines."""
    rng = random.Random(seed)
    customers = ["Initech", "INITECH ", "Globex", "Hooli", "Umbrella Corp"]
    for file_number in range(3):
        lines = [
            (
                str(rng.randint(1, 40)),
                (datetime.date(2025, 12, 25) + datetime.timedelta(days=rng.randint(0, 100))).isoformat(),
                rng.choice(["AX-24", "AX-48", "NW-24"]),
                rng.choice([1, 2, 3, 10, -1, -2]),
                f"{rng.randint(0, 99999) / 100:.2f}",
                rng.choice(["USD", "EUR", "GBP", "JPY"]),
                rng.choice(customers),
            )
            for _ in range(60)
        ]
        run_import(
            world,
            csv_file(rows_of("G", lines), name=f"mix-{file_number}.csv"),
            capture=django_capture_on_commit_callbacks,
        )
        assert_rollup_is_the_lines(world)
