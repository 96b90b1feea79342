"""The POS charts of the data-quality page (prm.charts, templates/_chart.html), over the 12 months that end with the
tenant's current month: sales-out by month per partner and per product family — from the sales rollup, in the
tenant's reporting currency, by invoice month — and the accept rate of the reports by the month they arrived in.

Each reads the viewer's rows only (`within_scope`: a partner its own organisation's, a territory-limited staff member
the partners in scope) in a fixed number of queries, whatever the number of partners: the `TOP_SERIES` largest
partners or families by sales in the window are a series each, the rest one "others" series."""

import datetime
import zoneinfo

from django.db.models import Case, F, Sum, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from pos.models import PosImport
from pos.rollup_cache import cached_rollup_rows
from pos.selectors import visible_imports, visible_rollup
from prm.accounts.permissions import is_partner
from prm.charts import BAR, LINE, MONEY, PERCENT, Chart, Series, month_label
from prm.fiscal import tenant_today
from prm.tenancy.context import require_current_tenant

MONTHS = 12
TOP_SERIES = 5


def chart_months(today=None):
    """The first days of the MONTHS months ending with `today`'s (default: the tenant's today), oldest first."""
    month = (today or tenant_today()).replace(day=1)
    months = [month]
    for _month in range(MONTHS - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _sales_series(viewer, rows, key, months, label_of, *label_fields):
    """Series of monthly sales from rollup `rows` grouped by `key` (a rollup field): one for each of the TOP_SERIES
    largest values by sales in `months`, named `label_of` its row of `key` and `label_fields`, then one for all the
    others if any (two queries)."""
    totals = rows.values(key, *label_fields).annotate(total=Sum("amount_reporting")).order_by("-total", key)
    top = cached_rollup_rows(viewer, totals[: TOP_SERIES + 1])
    shown = top[:TOP_SERIES]
    series_key = Case(When(**{f"{key}__in": [row[key] for row in shown]}, then=F(key)), default=None)
    by_series = rows.annotate(series=series_key).values("series", "month").annotate(amount=Sum("amount_reporting"))
    amounts = {(row["series"], row["month"]): row["amount"] for row in cached_rollup_rows(viewer, by_series.order_by())}
    series = [Series(label_of(row), [amounts.get((row[key], month), 0) for month in months]) for row in shown]
    if len(top) > TOP_SERIES:
        others = [amounts.get((None, month), 0) for month in months]
        series.append(Series(_("All others"), others, remainder=True))
    return series


def data_quality_charts(viewer, today=None):
    """The data-quality page's charts, by their names in its template."""
    months = chart_months(today)
    return {"accept_rate_chart": accept_rate_chart(viewer, months), **sales_charts(viewer, months)}


def sales_charts(viewer, months):
    """Sales-out by month, one series per partner (a partner: its own only) and one per product family (products
    without one together): four queries, and one for the viewer's scope."""
    rows = visible_rollup(viewer, date_from=months[0], date_to=months[-1])
    by_partner = _sales_series(viewer, rows, "partner_org_id", months, _partner_name, "partner_org__name")
    by_family = _sales_series(viewer, rows, "product__family", months, _family_name)
    partner_title = _("Sales-out by month") if is_partner(viewer) else _("Sales-out by month and partner")
    return {
        "sales_by_partner_chart": _sales_chart("sales-by-partner", partner_title, by_partner, months),
        "sales_by_family_chart": _sales_chart(
            "sales-by-family", _("Sales-out by month and product family"), by_family, months
        ),
    }


def _partner_name(row):
    return row["partner_org__name"]


def _family_name(row):
    return row["product__family"] or _("No family")


def _sales_chart(chart_id, title, series, months):
    return Chart(
        chart_id=chart_id,
        title=title,
        kind=BAR,
        label_heading=_("Month"),
        labels=[month_label(month) for month in months],
        series=series,
        value_format=MONEY,
        currency=require_current_tenant().reporting_currency,
        stacked=True,
    )


def accept_rate_chart(viewer, months):
    """Accepted ÷ read lines of the completed reports that arrived in each of `months` (the tenant's time zone); no
    figure for a month without a report. One query, and one for the viewer's scope."""
    zone = zoneinfo.ZoneInfo(require_current_tenant().time_zone)
    start = datetime.datetime.combine(months[0], datetime.time(), zone)
    by_month = {
        row["month"].date(): row
        for row in visible_imports(viewer)
        .filter(status=PosImport.Status.COMPLETED, created_at__gte=start)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(read=Sum("lines_read"), accepted=Sum("lines_accepted"))
        .order_by()
    }
    rates = [_rate(by_month.get(month)) for month in months]
    return Chart(
        chart_id="accept-rate",
        title=_("Accept rate by month"),
        kind=LINE,
        label_heading=_("Month"),
        labels=[month_label(month) for month in months],
        series=[Series(_("Accept rate"), rates)],
        value_format=PERCENT,
    )


def _rate(row):
    return row["accepted"] / row["read"] if row and row["read"] else None
