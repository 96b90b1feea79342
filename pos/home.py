"""What POS shows on the home pages, registered in pos/apps.py (prm.modules): the partner's "Sales-out" card and
report schedule, the columns POS adds to the staff home's partner table, the "Channel figures" card and the staff
to-do of late reports.

Sales come from the sales rollup (in the tenant's reporting currency, by invoice month: a fiscal quarter is whole
months), reports and rejected lines from the import jobs — never from the lines. Each read is a fixed number of
queries, whatever the number of partners; "this quarter" and "last quarter" are the tenant's fiscal quarters
(prm.fiscal), a report counting in the quarter it arrived in (the tenant's time zone)."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pos.apps import SALES_OUT_REPORT_KIND
from pos.models import PosImport, PosSalesRollup
from pos.rollup_cache import cached_rollup_rows
from pos.selectors import reporting_status, sales_out_arrivals, visible_imports, visible_rollup
from prm.cadences.selectors import report_statuses, with_cadence
from prm.charts import BAR, MONEY, Chart, Series, month_label
from prm.fiscal import current_quarter
from prm.modules import ToDo
from prm.portal.selectors import home_partner_orgs
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import partner_orgs_in_scope

COMPLETED = PosImport.Status.COMPLETED


@dataclass(frozen=True)
class Trend:
    """A figure this quarter beside last quarter's; `direction` "up", "down" or "flat" (None: nothing to compare)."""

    current: object
    previous: object

    @property
    def direction(self):
        if self.current is None or self.previous is None:
            return None
        return "up" if self.current > self.previous else "down" if self.current < self.previous else "flat"

    @property
    def percent(self):
        """The change as a whole percentage of last quarter's figure (None when it was nothing)."""
        if self.direction is None or not self.previous:
            return None
        return round(100 * (self.current - self.previous) / abs(self.previous))

    @property
    def points(self):
        """The change of a rate (0–1) in percentage points."""
        return None if self.direction is None else round(100 * (self.current - self.previous))


def quarters():
    """(Last fiscal quarter, this one)."""
    this = current_quarter()
    return this.previous(), this


def _quarter_bounds(quarter):
    """The quarter as [start, end) instants in the tenant's time zone, for a timestamp column."""
    zone = zoneinfo.ZoneInfo(require_current_tenant().time_zone)
    start = datetime.datetime.combine(quarter.start, datetime.time(), zone)
    return start, datetime.datetime.combine(quarter.end + datetime.timedelta(days=1), datetime.time(), zone)


def _sales_sums(this):
    """Sums of rollup rows already narrowed to last quarter and this one: this quarter's and last's."""
    return {
        "this": Sum("amount_reporting", filter=Q(month__gte=this.start), default=Decimal(0)),
        "last": Sum("amount_reporting", filter=Q(month__lt=this.start), default=Decimal(0)),
        "without_rate": Sum("lines_without_rate", filter=Q(month__gte=this.start), default=0),
    }


def quarter_sales(viewer):
    """The viewer's sales-out (a partner's own; every partner in scope for staff) in the reporting currency, last
    quarter and this one, in one query: {"trend": this quarter's vs last's, "without_rate": this quarter's lines
    without an FX rate (not in the sums), "chart": by month}."""
    last, this = quarters()
    rows = cached_rollup_rows(
        viewer,
        visible_rollup(viewer, date_from=last.start, date_to=this.end)
        .values("month")
        .annotate(amount=Sum("amount_reporting"), without_rate=Sum("lines_without_rate"))
        .order_by(),
    )
    by_month = {row["month"]: row for row in rows}
    months = _months(last.start, this.end)
    amounts = [by_month[month]["amount"] if month in by_month else Decimal(0) for month in months]
    this_quarters = [row for month, row in by_month.items() if month >= this.start]
    return {
        "trend": Trend(
            sum((row["amount"] for row in this_quarters), Decimal(0)),
            sum((row["amount"] for month, row in by_month.items() if month < this.start), Decimal(0)),
        ),
        "without_rate": sum(row["without_rate"] for row in this_quarters),
        "chart": Chart(
            chart_id="home-sales",
            title=_("Sales-out by month, last quarter and this one"),
            kind=BAR,
            label_heading=_("Month"),
            labels=[month_label(month) for month in months],
            series=[Series(_("Sales-out"), amounts)],
            value_format=MONEY,
            currency=require_current_tenant().reporting_currency,
        ),
    }


def _months(first, last):
    """The first days of the months from `first`'s to `last`'s."""
    months = [first.replace(day=1)]
    while months[-1] < last.replace(day=1):
        months.append((months[-1] + datetime.timedelta(days=31)).replace(day=1))
    return months


def latest_completed_imports(partner_orgs):
    """Each partner's latest completed import (`partner_orgs` a queryset or a list)."""
    newer = PosImport.objects.filter(
        partner_org=OuterRef("partner_org"), status=COMPLETED, created_at__gt=OuterRef("created_at")
    )
    return PosImport.objects.filter(status=COMPLETED, partner_org__in=partner_orgs).filter(~Exists(newer))


# --- the partner's home ------------------------------------------------------------------------------------------


def partner_sales_card(viewer):
    last, this = quarters()
    return {
        **quarter_sales(viewer),
        "this_quarter": this,
        "last_quarter": last,
        "currency": require_current_tenant().reporting_currency,
    }


def report_schedule(viewer):
    """The partner's sales-out ReportStatus under the cadence the vendor set (None: no cadence)."""
    statuses = reporting_status(viewer)
    return statuses[0][1] if statuses else None


def partner_late_report_todos(viewer):
    """A partner's to-do while the sales-out report owed at the last due date has not arrived."""
    status = report_schedule(viewer)
    if status is None or not status.is_late or status.received:
        return []
    label = ngettext(
        "Your sales report due on %(date)s is %(count)d business day late",
        "Your sales report due on %(date)s is %(count)d business days late",
        status.days_late,
    ) % {"date": status.last_due.isoformat(), "count": status.days_late}
    return [ToDo(label=label, url=reverse("pos:import_list"), count=status.days_late, severity="danger")]


# --- the staff home's partner table (prm.modules.register_partner_column) ---------------------------------------


@dataclass(frozen=True)
class LastReport:
    arrived: datetime.date | None
    status: object  # a ReportStatus


STATUSES_MEMO = "_pos_home_report_statuses"  # on the viewer's membership object: {the partners' SQL: answer}


def _report_statuses(viewer, partner_orgs):
    """(arrivals, statuses) of the sales-out report of `partner_orgs`. For a queryset (all the home's partners),
    only those a cadence applies to have a status (the others are never late), computed once per membership object
    and queryset: the staff to-do and the partner table's order ask for the same partners within a request, and
    each asking costs a status per partner."""
    if isinstance(partner_orgs, list):
        return _compute_report_statuses(partner_orgs, partner_orgs)
    memo = viewer.__dict__.setdefault(STATUSES_MEMO, {})
    key = str(partner_orgs.query)
    if key not in memo:
        scheduled = with_cadence(partner_orgs, SALES_OUT_REPORT_KIND)
        # A status reads a partner's type and country only (5,000 whole organisations: 40 ms more).
        memo[key] = _compute_report_statuses(list(scheduled.only("pk", "partner_type", "country")), scheduled)
    return memo[key]


def _compute_report_statuses(orgs, selection):
    arrivals = sales_out_arrivals(selection)  # a queryset: a subquery, not thousands of ids in the statement
    return arrivals, report_statuses(orgs, SALES_OUT_REPORT_KIND, arrivals)


def last_report_values(viewer, partner_orgs):
    arrivals, statuses = _report_statuses(viewer, partner_orgs)
    return {pk: LastReport(arrivals.get(pk), status) for pk, status in statuses.items()}


def report_urgency(viewer, partner_orgs):
    """Business days late."""
    statuses = _report_statuses(viewer, partner_orgs)[1]
    return {pk: status.days_late for pk, status in statuses.items() if status.is_late}


def accept_rate_values(viewer, partner_orgs):
    """{partner: {"rate": accepted ÷ read of all its completed reports, "trend": this quarter's rate vs last's}}."""
    last, this = quarters()
    (last_start, _), (this_start, this_end) = _quarter_bounds(last), _quarter_bounds(this)
    in_this = Q(created_at__gte=this_start, created_at__lt=this_end)
    in_last = Q(created_at__gte=last_start, created_at__lt=this_start)
    rows = (
        PosImport.objects.filter(status=COMPLETED, partner_org__in=partner_orgs)
        .values("partner_org_id")
        .annotate(
            read=Sum("lines_read"),
            accepted=Sum("lines_accepted"),
            read_this=Sum("lines_read", filter=in_this),
            accepted_this=Sum("lines_accepted", filter=in_this),
            read_last=Sum("lines_read", filter=in_last),
            accepted_last=Sum("lines_accepted", filter=in_last),
        )
        .order_by()
    )
    return {
        row["partner_org_id"]: {
            "rate": _rate(row["accepted"], row["read"]),
            "trend": Trend(
                _rate(row["accepted_this"], row["read_this"]), _rate(row["accepted_last"], row["read_last"])
            ),
        }
        for row in rows
    }


def _rate(accepted, read):
    return accepted / read if read else None


def sales_values(viewer, partner_orgs):
    """{partner: Trend of its sales-out in the reporting currency, this quarter vs last}."""
    last, this = quarters()
    rows = cached_rollup_rows(
        viewer,
        PosSalesRollup.objects.filter(partner_org__in=partner_orgs, month__gte=last.start, month__lte=this.end)
        .values("partner_org_id")
        .annotate(**_sales_sums(this))
        .order_by(),
    )
    currency = require_current_tenant().reporting_currency
    return {row["partner_org_id"]: {"trend": Trend(row["this"], row["last"]), "currency": currency} for row in rows}


def _lines_to_fix(partner_orgs):
    return (
        latest_completed_imports(partner_orgs)
        .filter(lines_rejected__gt=0)
        .values_list("partner_org_id", "pk", "lines_rejected")
    )


def lines_to_fix_values(viewer, partner_orgs):
    """{partner: its latest completed import with rejected lines: {"import_id", "count"}}."""
    return {org_id: {"import_id": pk, "count": count} for org_id, pk, count in _lines_to_fix(partner_orgs)}


def to_fix_urgency(viewer, partner_orgs):
    return {org_id: count for org_id, _pk, count in _lines_to_fix(partner_orgs)}


# --- the staff home: the channel's figures and the to-do of late reports -----------------------------------------


def channel_figures_card(viewer):
    """Every partner the viewer may reach: reports received this quarter, sales-out this quarter vs last, and the
    rejected lines of each partner's latest report (and how many partners have some)."""
    last, this = quarters()
    this_start, this_end = _quarter_bounds(this)
    reports = visible_imports(viewer).filter(status=COMPLETED, created_at__gte=this_start, created_at__lt=this_end)
    to_fix = latest_completed_imports(partner_orgs_in_scope(viewer)).aggregate(
        lines=Sum("lines_rejected", default=0), partners=Count("id", filter=Q(lines_rejected__gt=0))
    )
    return {
        **quarter_sales(viewer),
        "this_quarter": this,
        "last_quarter": last,
        "currency": require_current_tenant().reporting_currency,
        "reports": reports.count(),
        "to_fix": to_fix,
    }


def late_reports_todos(viewer):
    """A staff member's to-do: the partners of their home page whose sales-out report is late."""
    _arrivals, statuses = _report_statuses(viewer, home_partner_orgs(viewer))
    late = sum(status.is_late for status in statuses.values())
    if not late:
        return []
    label = ngettext(
        "%(count)d partner is late with its sales-out report",
        "%(count)d partners are late with their sales-out report",
        late,
    ) % {"count": late}
    return [ToDo(label=label, url=f"{reverse('portal:home')}#partners", count=late, severity="warning")]
