"""When reports are due under a cadence, and whether a partner's latest report came in time.

A due date is a plain date and means "by the end of that day". For a day `today`:
- `last_due_date(cadence, today)`: the latest due date that has passed (strictly before today);
- `next_due_date(cadence, today)`: the earliest due date not yet passed (today or later: due today is not late).
Monthly by day N is due on day N of every month, or its last day when the month is shorter (31 → 28 February);
weekly on its weekday; quarterly N days after each of the tenant's fiscal quarters ends (prm.fiscal).

`status_under(cadence, last_report_date, today)`: the report owed at the last due date D counts as received when
the latest report arrived after the due date before D. It is on time when that was by D, late by its delay in
days when after D, and late by today − D days while it has not arrived at all.
"""

import calendar
import datetime
from dataclasses import dataclass

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


SCHEDULES = {"monthly": _monthly, "weekly": _weekly, "quarterly": _quarterly}


def _around(cadence, day):
    return SCHEDULES[cadence.frequency](cadence, day)


def last_due_date(cadence, today):
    """The latest due date strictly before `today`."""
    return _around(cadence, today)[0]


def next_due_date(cadence, today):
    """The earliest due date on or after `today`."""
    return _around(cadence, today)[1]


@dataclass(frozen=True)
class ReportStatus:
    state: str  # ON_TIME, LATE or NO_CADENCE
    last_due: datetime.date | None = None
    next_due: datetime.date | None = None
    days_late: int = 0
    received: bool = False  # whether the report owed at `last_due` has arrived (on time or late)

    @property
    def is_late(self):
        return self.state == LATE


def status_under(cadence, last_report_date, today):
    """The ReportStatus of a partner whose latest report arrived on `last_report_date` (None: never)."""
    if cadence is None:
        return ReportStatus(NO_CADENCE)
    due = last_due_date(cadence, today)
    status = {"last_due": due, "next_due": next_due_date(cadence, today)}
    if last_report_date is None or last_report_date <= last_due_date(cadence, due):
        return ReportStatus(LATE, days_late=(today - due).days, **status)
    if last_report_date <= due:
        return ReportStatus(ON_TIME, received=True, **status)
    return ReportStatus(LATE, days_late=(last_report_date - due).days, received=True, **status)
