"""The tenant's fiscal calendar: which fiscal year, quarter or month holds a date, and the bounds of each.

A tenant's fiscal year starts on the 1st of `Tenant.fiscal_year_start_month` (1 = January: the calendar year).
**A fiscal year is named by the calendar year it ends in** (as Microsoft, Apple, Cisco and most vendors do): with
a year starting in April, FY2027 runs from 1 April 2026 to 31 March 2027, its Q1 is April–June 2026 and its Q4
January–March 2027. With a year starting in January, FY2027 is the calendar year 2027. Quarters are three fiscal
months; a fiscal month is a calendar month. Bounds are inclusive dates (`start <= day <= end`), so a period
filters a date column with `day__range=(period.start, period.end)`.

    from prm.fiscal import current_quarter, fiscal_period, last_quarter
    q = fiscal_period(invoice_date, tenant=tenant)  # FiscalPeriod: q.label == "FY2027 Q1", q.start, q.end
    last_quarter(tenant).start                      # the first day of the quarter before today's
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from prm.tenancy.context import require_current_tenant

YEAR, QUARTER, MONTH = "year", "quarter", "month"
MONTHS_IN = {YEAR: 12, QUARTER: 3, MONTH: 1}


@dataclass(frozen=True)
class FiscalPeriod:
    """A fiscal year, quarter or month of a calendar that starts in `start_month`."""

    kind: str  # YEAR, QUARTER or MONTH
    fiscal_year: int  # the calendar year the fiscal year ends in
    number: int  # 1 for a year; the quarter 1–4; the fiscal month 1–12
    start_month: int  # the calendar month the fiscal year starts in
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def quarter(self):
        """The fiscal quarter (1–4) the period lies in; None for a year."""
        if self.kind == YEAR:
            return None
        return self.number if self.kind == QUARTER else (self.number - 1) // 3 + 1

    @property
    def month(self):
        """The fiscal month (1–12) of a month period; None for a quarter or a year."""
        return self.number if self.kind == MONTH else None

    @property
    def label(self):
        """The period's name: FY2027, FY2027 Q1, FY2027 M01 (the fiscal month, not the calendar month)."""
        suffix = {YEAR: "", QUARTER: f" Q{self.number}", MONTH: f" M{self.number:02d}"}[self.kind]
        return f"FY{self.fiscal_year}{suffix}"

    def __str__(self):
        return self.label

    def __contains__(self, day):
        return self.start <= day <= self.end

    def next(self):
        return period_of(self.end + datetime.timedelta(days=1), start_month=self.start_month, kind=self.kind)

    def previous(self):
        return period_of(self.start - datetime.timedelta(days=1), start_month=self.start_month, kind=self.kind)


def period_of(day, *, start_month, kind=QUARTER):
    """The fiscal `kind` period holding `day` in a calendar whose year starts in `start_month` (1–12)."""
    if kind not in MONTHS_IN:
        raise ValueError(f"kind must be one of {sorted(MONTHS_IN)}, not {kind!r}")
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1–12, not {start_month!r}")
    months_into_year = (day.month - start_month) % 12
    year_start = datetime.date(day.year - (day.month < start_month), start_month, 1)
    fiscal_year = year_start.year + (start_month != 1)  # named by the calendar year it ends in
    length = MONTHS_IN[kind]
    number = months_into_year // length + 1
    start = _add_months(year_start, (number - 1) * length)
    end = _add_months(start, length) - datetime.timedelta(days=1)
    return FiscalPeriod(kind, fiscal_year, number, start_month, start, end)


def _add_months(first_of_month, months):
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def fiscal_year_quarters(period):
    """The four quarters of the fiscal year holding `period`."""
    year = period_of(period.start, start_month=period.start_month, kind=YEAR)
    quarters = [period_of(year.start, start_month=period.start_month, kind=QUARTER)]
    while len(quarters) < 4:
        quarters.append(quarters[-1].next())
    return quarters


def fiscal_period(day, *, tenant=None, kind=QUARTER):
    """The tenant's (default: the current tenant's) fiscal quarter, month or year holding `day`."""
    tenant = tenant or require_current_tenant()
    return period_of(day, start_month=tenant.fiscal_year_start_month, kind=kind)


def tenant_today(tenant=None):
    """Today's date where the tenant is (its `time_zone`): the date its business periods and due dates use."""
    tenant = tenant or require_current_tenant()
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tenant.time_zone)).date()


def current_quarter(tenant=None, *, today=None):
    """The fiscal quarter holding `today` (default: the tenant's today)."""
    tenant = tenant or require_current_tenant()
    return fiscal_period(today or tenant_today(tenant), tenant=tenant, kind=QUARTER)


def last_quarter(tenant=None, *, today=None):
    """The fiscal quarter before the one holding `today`."""
    return current_quarter(tenant, today=today).previous()
