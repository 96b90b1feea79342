"""The sales rollup (`PosSalesRollup`): validated sales per partner, product, invoice month and currency, kept
current set-based by every load inside its own transaction, and recomputed where FX rates change; and its sums per
partner and month (`PosPartnerMonthSales`), which each writer sets again from the rollup rows it changed.

Every amount in the reporting currency is converted line by line at the FX rate of the line's invoice date, by the
rule of `prm.ledger.fx.rate_on`, written here in SQL (tests/pos/test_rollup.py checks that both agree):
- the pair's rate with the latest `valid_from ≤ invoice date`; the reverse pair's rate converts too, at
  1 / rate rounded (half to even, as Python's `quantize`) to the 10 decimals a rate has; when both directions have
  one, the more recent holds (on the same day, the direct one); no cross rates;
- a line in the reporting currency converts at 1;
- no rate: the line counts in `lines_without_rate` and its amount is not added (never a silent 1.0).
A line's converted amount is rounded to 4 decimals (half away from zero, PostgreSQL's `round`), then summed.

Three writers share one SELECT (`_grouped`): the load (from its checked work table), the rebuild of a tenant (from
its lines: the backfill migration; after a change of the reporting currency) and the FX recompute (from the lines of
the changed currencies, months from the new rates' month). The recompute sets amounts computed from committed lines,
which a concurrent load's increment would overwrite: the load takes the tenant's rollup lock shared before its
rollup statement, the recompute takes it exclusively — a recompute waits for the loads that wrote to commit, a load
that comes later waits for the recompute and then sees the new rates."""

import contextlib

from django.db import connection, transaction

from pos.rollup_cache import forget_rollup_rows_on_commit
from prm.tenancy.context import require_current_tenant

GROUP_KEYS = ("partner_org_id", "product_id", "month", "currency")
ROLLUP_COLUMNS = (*GROUP_KEYS, "quantity", "amount", "amount_reporting", "line_count", "lines_without_rate")
TENANT_LOCK_SQL = "SELECT pg_advisory_xact_lock{mode}(hashtextextended(%(lock)s, 42))"

# The latest rate of a pair on or before a date (the unique key one_fx_rate_per_pair_date serves it).
_LATEST_RATE = (
    "LEFT JOIN LATERAL (SELECT f.rate, f.valid_from FROM ledger_fxrate f"
    " WHERE f.tenant_id = %(tenant)s AND f.base_currency = {base} AND f.quote_currency = {quote}"
    "   AND f.valid_from <= d.invoice_date ORDER BY f.valid_from DESC LIMIT 1) {alias} ON d.currency <> %(reporting)s"
)
# 1 / rate to 10 decimals, ties to even (x·10¹⁰ exactly half-way: keep the even neighbour below, else round).
_INVERSE = (
    "CASE WHEN mod(1 / ir.rate * 1e10, 1) = 0.5 AND mod(trunc(1 / ir.rate * 1e10), 2) = 0"
    " THEN trunc(1 / ir.rate, 10) ELSE round(1 / ir.rate, 10) END"
)


def _with_rates(lines, where):
    """CTEs `days` (the distinct currency and invoice date of the lines) and `rates` (each one's rate, NULL if
    none): converted per distinct day, not per line."""
    direct = _LATEST_RATE.format(base="d.currency", quote="%(reporting)s", alias="dr")
    inverse = _LATEST_RATE.format(base="%(reporting)s", quote="d.currency", alias="ir")
    return (
        f"WITH days AS MATERIALIZED (SELECT DISTINCT l.currency, l.invoice_date FROM {lines} l WHERE {where}), "
        "rates AS MATERIALIZED (SELECT d.currency, d.invoice_date, CASE"
        "  WHEN d.currency = %(reporting)s THEN 1"
        "  WHEN dr.valid_from IS NOT NULL AND (ir.valid_from IS NULL OR dr.valid_from >= ir.valid_from) THEN dr.rate"
        f"  WHEN ir.valid_from IS NOT NULL THEN {_INVERSE} END AS rate"
        f" FROM days d {direct} {inverse}) "
    )


def _grouped(lines, where, partner_org):
    """The rollup rows (ROLLUP_COLUMNS) of the lines of `lines` (alias l) matching `where`."""
    return (
        f"SELECT {partner_org} AS partner_org_id, l.product_id,"
        "  date_trunc('month', l.invoice_date::timestamp)::date AS month, l.currency, sum(l.quantity) AS quantity,"
        "  sum(l.quantity * l.unit_price) AS amount,"
        "  coalesce(sum(round(l.quantity * l.unit_price * r.rate, 4)), 0) AS amount_reporting,"
        "  count(*) AS line_count, count(*) - count(r.rate) AS lines_without_rate"
        f" FROM {lines} l JOIN rates r ON r.currency = l.currency AND r.invoice_date = l.invoice_date"
        f" WHERE {where} GROUP BY 1, 2, 3, 4"
    )


def _insert(id_sql, grouped):
    columns = ", ".join(ROLLUP_COLUMNS)
    return (
        f"INSERT INTO pos_possalesrollup AS s (id, tenant_id, {columns})"
        f" SELECT {id_sql}, %(tenant)s, g.* FROM ({grouped}) g"
        f" ORDER BY {', '.join(f'g.{key}' for key in GROUP_KEYS)}"  # in the unique index's order: fewer page visits
    )


# A load's lines make many groups: one sort in the unique index's order, aggregated as it streams and inserted in
# that order, beat a parallel hash aggregate followed by a sort (a million lines: 3.2 s against 8.0 s for the
# SELECT, measured with psql when the rollup was also keyed by end customer and had nearly a group per line).
SORTED_AGGREGATE = {"enable_hashagg": "off", "max_parallel_workers_per_gather": "0"}


@contextlib.contextmanager
def _sorted_aggregate(cursor):
    """SORTED_AGGREGATE for the statements inside (the rest of the transaction keeps its settings)."""
    for setting, value in SORTED_AGGREGATE.items():
        cursor.execute(f"SET LOCAL {setting} = {value}")
    yield
    for setting in SORTED_AGGREGATE:
        cursor.execute(f"SET LOCAL {setting} TO DEFAULT")


def _refresh_partner_months(cursor, params, where):
    """The partner months (`PosPartnerMonthSales`) of the current tenant's rollup rows matching `where` (alias r)
    set again from those rows, in the caller's transaction: the rollup is exact, so the partner months are too."""
    totals = ("amount_reporting", "line_count", "lines_without_rate")
    cursor.execute(
        "INSERT INTO pos_pospartnermonthsales AS p (id, tenant_id, partner_org_id, month, amount_reporting,"
        " line_count, lines_without_rate)"
        " SELECT gen_random_uuid(), %(tenant)s, r.partner_org_id, r.month,"
        f" {', '.join(f'sum(r.{c})' for c in totals)}"
        f" FROM pos_possalesrollup r WHERE r.tenant_id = %(tenant)s AND {where}"
        " GROUP BY r.partner_org_id, r.month"
        " ON CONFLICT (tenant_id, partner_org_id, month) DO UPDATE SET"
        f" {', '.join(f'{c} = EXCLUDED.{c}' for c in totals)}",
        params,
    )


def _lock_name(tenant_id):
    return f"pos-rollup:{tenant_id}"


def add_loaded_lines(cursor, *, checked, partner_org_id, id_prefix):
    """Add the accepted lines of a load (`checked` work table, reason IS NULL) to the current tenant's rollup: one
    INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE adding to the existing rows (new rows take ids from the
    load's `id_prefix`, pipeline.line_id_prefix). Returns the lines' first and last invoice dates (None, None when
    none was accepted)."""
    tenant = require_current_tenant()
    tenant_id = tenant.pk
    cursor.execute(TENANT_LOCK_SQL.format(mode="_shared"), {"lock": _lock_name(tenant_id)})
    forget_rollup_rows_on_commit(tenant)
    keys = ", ".join(("tenant_id", *GROUP_KEYS))
    added = ", ".join(f"{c} = s.{c} + EXCLUDED.{c}" for c in ROLLUP_COLUMNS[len(GROUP_KEYS) :])
    insert = _insert(
        "(%(id_prefix)s || lpad(to_hex(row_number() OVER ()), 8, '0'))::uuid",
        _grouped(checked, "l.reason IS NULL", "%(org)s::uuid"),
    )
    params = {"tenant": tenant_id, "org": partner_org_id, "reporting": tenant.reporting_currency}
    with _sorted_aggregate(cursor):
        cursor.execute(
            _with_rates(checked, "l.reason IS NULL")
            + f", added AS ({insert} ON CONFLICT ({keys}) DO UPDATE SET {added}) "
            "SELECT min(invoice_date), max(invoice_date) FROM days",
            {**params, "id_prefix": id_prefix},
        )
        first, last = cursor.fetchone()
    if first is not None:  # the partner's months the load touched
        months = "r.partner_org_id = %(org)s AND r.month BETWEEN %(first)s AND %(last)s"
        _refresh_partner_months(cursor, {**params, "first": first.replace(day=1), "last": last}, months)
    return first, last


@transaction.atomic
def rollup_rebuild():
    """The current tenant's rollup computed again from its lines (the backfill; after its reporting currency
    changed). Runs in the caller's transaction. Returns the number of rows."""
    tenant = require_current_tenant()
    tenant_id = tenant.pk
    params = {"tenant": tenant_id, "reporting": tenant.reporting_currency}
    forget_rollup_rows_on_commit(tenant)
    with connection.cursor() as cursor:
        cursor.execute(TENANT_LOCK_SQL.format(mode=""), {"lock": _lock_name(tenant_id)})
        cursor.execute("DELETE FROM pos_possalesrollup WHERE tenant_id = %(tenant)s", params)
        where = "l.tenant_id = %(tenant)s"
        insert = _insert("gen_random_uuid()", _grouped("pos_posline", where, "l.partner_org_id"))
        with _sorted_aggregate(cursor):
            cursor.execute(_with_rates("pos_posline", where) + insert, params)
            rows = cursor.rowcount
        cursor.execute("DELETE FROM pos_pospartnermonthsales WHERE tenant_id = %(tenant)s", params)
        _refresh_partner_months(cursor, params, "TRUE")
        return rows


@transaction.atomic
def rollup_recompute_fx(*, currencies, valid_from):
    """After FX rates of `currencies` changed from the date `valid_from`: the reporting amounts and no-rate counts of
    the current tenant's rollup rows in those currencies, from `valid_from`'s month on, set again from the lines
    (idempotent: the same call again changes nothing). Runs in the caller's transaction. Returns the rows changed."""
    tenant = require_current_tenant()
    tenant_id, reporting_currency = tenant.pk, tenant.reporting_currency
    currencies = sorted(set(currencies) - {reporting_currency})
    if not currencies:
        return 0
    forget_rollup_rows_on_commit(tenant)
    params = {
        "tenant": tenant_id,
        "reporting": reporting_currency,
        "currencies": currencies,
        "month_from": valid_from.replace(day=1),
    }
    where = "l.tenant_id = %(tenant)s AND l.currency = ANY(%(currencies)s) AND l.invoice_date >= %(month_from)s"
    matches = " AND ".join(f"r.{key} = g.{key}" for key in GROUP_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(TENANT_LOCK_SQL.format(mode=""), {"lock": _lock_name(tenant_id)})
        cursor.execute(
            _with_rates("pos_posline", where) + "UPDATE pos_possalesrollup r SET amount_reporting = g.amount_reporting,"
            " lines_without_rate = g.lines_without_rate"
            f" FROM ({_grouped('pos_posline', where, 'l.partner_org_id')}) g"
            f" WHERE r.tenant_id = %(tenant)s AND {matches}"
            "   AND (r.amount_reporting, r.lines_without_rate)"
            "       IS DISTINCT FROM (g.amount_reporting, g.lines_without_rate)",
            params,
        )
        changed = cursor.rowcount
        if changed:
            _refresh_partner_months(cursor, params, "r.month >= %(month_from)s")
        return changed


def queue_fx_recompute(sender, *, tenant_id, pairs, valid_from, **kwargs):
    """Receiver of `prm.ledger.signals.fx_rates_changed` (connected in pos/apps.py; sent after the rates' commit):
    queues the recompute of the currencies of the new rates' pairs from their earliest date."""
    from pos.tasks import recompute_rollup_fx

    recompute_rollup_fx.delay(
        tenant_id=str(tenant_id),
        currencies=sorted({currency for pair in pairs for currency in pair}),
        valid_from=valid_from.isoformat(),
    )
