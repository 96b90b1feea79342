"""When reports are due under a cadence, and whether a partner's latest report came in time.

A due date is a plain date and means "by the end of that day". For a day `today`:
- `last_due_date(cadence, today)`: the latest due date that has passed (strictly before today);
- `next_due_date(cadence, today)`: the earliest due date not yet passed (today or later: due today is not late).
Monthly by day N is due on day N of every month, or its last day when the month is shorter (31 → 28 February);
weekly on its weekday; quarterly N days after each of the tenant's fiscal quarters ends (prm.fiscal). A due date
that falls on a weekend or a public holiday is moved to the next business day (prm.business_days) of the partner
organisation's country — `partner_org=`, else the cadence's own partner organisation — or, for neither (a partner
type's cadence), the tenant's.

`status_under(cadence, last_report_date, today)`: the report owed at the last due date D counts as received when
the latest report arrived after the due date before D. It is on time when that was by D, late when after D, and
late while it has not arrived at all; late by the business days from D to its arrival (or today), a day off
counting as the next business day — so a late report is late by at least 1.
"""

import calendar
import datetime
from dataclasses import dataclass

from prm.business_days import ONE_DAY, add_business_days, business_days_between
from prm.fiscal import QUARTER, fiscal_period

ON_TIME, LATE, NO_CADENCE = "on_time", "late", "no_cadence"


def _month_day(year, month, day):
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift_month(year, month, months):
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _monthly(cadence, day):
    """(The latest due date before `day`, the earliest on or after it)."""
    this_month = _month_day(day.year, day.month, cadence.day_of_month)
    if this_month < day:
        return this_month, _month_day(*_shift_month(day.year, day.month, 1), cadence.day_of_month)
    return _month_day(*_shift_month(day.year, day.month, -1), cadence.day_of_month), this_month


def _weekly(cadence, day):
    back = (day.weekday() - cadence.weekday) % 7 or 7
    ahead = (cadence.weekday - day.weekday()) % 7
    return day - datetime.timedelta(days=back), day + datetime.timedelta(days=ahead)


def _quarterly(cadence, day):
    offset = datetime.timedelta(days=cadence.days_after_quarter_end)
    # The quarter whose due date is the first on or after `day`: the one holding day − offset.
    quarter = fiscal_period(day - offset, tenant=cadence.tenant, kind=QUARTER)
    return quarter.previous().end + offset, quarter.end + offset


# Each frequency's due dates as scheduled; _around moves them off weekends and public holidays.
SCHEDULES = {"monthly": _monthly, "weekly": _weekly, "quarterly": _quarterly}


def _country(cadence, partner_org):
    """The country whose business days the due dates follow: `partner_org`'s (else the cadence's own partner
    organisation's), else the tenant's."""
    partner_org = partner_org or cadence.partner_org
    return partner_org.country if partner_org else cadence.tenant.country


def _business_day_from(day, country):
    """`day` if it is a business day of `country`, else the next business day."""
    return add_business_days(day - ONE_DAY, 1, country)


def _around(cadence, day, country):
    """(The latest due date before `day`, the earliest on or after it), each moved to a business day."""
    schedule = SCHEDULES[cadence.frequency]
    before, after = schedule(cadence, day)
    if _business_day_from(before, country) >= day:  # moved to `day` or later: it is the next due date
        before, after = schedule(cadence, before)[0], before
    return _business_day_from(before, country), _business_day_from(after, country)


def last_due_date(cadence, today, partner_org=None):
    """The latest due date strictly before `today`."""
    return _around(cadence, today, _country(cadence, partner_org))[0]


def next_due_date(cadence, today, partner_org=None):
    """The earliest due date on or after `today`."""
    return _around(cadence, today, _country(cadence, partner_org))[1]


@dataclass(frozen=True)
class ReportStatus:
    state: str  # ON_TIME, LATE or NO_CADENCE
    last_due: datetime.date | None = None
    next_due: datetime.date | None = None
    days_late: int = 0  # business days
    received: bool = False  # whether the report owed at `last_due` has arrived (on time or late)

    @property
    def is_late(self):
        return self.state == LATE


class DueDates:
    """Due dates and lateness worked out once per cadence, country and day, for the statuses of many partners at
    once (report_statuses: a tenant's thousands of partners share a few cadences and countries; a status of its
    own costs ~50 µs). Keyed by the cadence object, so it lives for one batch of statuses only."""

    def __init__(self):
        self._around, self._late = {}, {}

    def around(self, cadence, day, country):
        key = (id(cadence), day, country)
        if key not in self._around:
            self._around[key] = _around(cadence, day, country)
        return self._around[key]

    def business_days_late(self, due, day, country):
        """The business days in (due, day], `day` moved to the next business day when it is a day off."""
        key = (due, day, country)
        if key not in self._late:
            self._late[key] = business_days_between(due, _business_day_from(day, country), country)
        return self._late[key]


def status_under(cadence, last_report_date, today, partner_org=None, due_dates=None):
    """The ReportStatus of a partner whose latest report arrived on `last_report_date` (None: never); due dates in
    the business days of `partner_org`'s country (None: the cadence's partner organisation's, else the tenant's).
    `due_dates`: a DueDates shared by a batch of statuses."""
    if cadence is None:
        return ReportStatus(NO_CADENCE)
    dates = due_dates or DueDates()
    country = _country(cadence, partner_org)
    due, next_due = dates.around(cadence, today, country)
    status = {"last_due": due, "next_due": next_due}
    if last_report_date is None or last_report_date <= dates.around(cadence, due, country)[0]:
        return ReportStatus(LATE, days_late=dates.business_days_late(due, today, country), **status)
    if last_report_date <= due:
        return ReportStatus(ON_TIME, received=True, **status)
    days_late = dates.business_days_late(due, last_report_date, country)
    return ReportStatus(LATE, days_late=days_late, received=True, **status)
