"""Fiscal periods: a fiscal year is named by the calendar year it ends in; a year starting in April puts
1 April in Q1 of the next calendar year's FY and January–March in Q4; quarters and months tile the year."""

import datetime
from unittest import mock

import pytest

from prm.fiscal import MONTH, QUARTER, YEAR, current_quarter, fiscal_period, last_quarter, period_of, tenant_today
from prm.tenancy.models import Tenant

D = datetime.date
APRIL = Tenant(fiscal_year_start_month=4)
JANUARY = Tenant(fiscal_year_start_month=1)


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (D(2026, 3, 31), "FY2026 Q4", D(2026, 1, 1), D(2026, 3, 31)),  # the last day of FY2026
        (D(2026, 4, 1), "FY2027 Q1", D(2026, 4, 1), D(2026, 6, 30)),  # the first day of FY2027
        (D(2026, 6, 30), "FY2027 Q1", D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), "FY2027 Q2", D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), "FY2027 Q3", D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), "FY2027 Q4", D(2027, 1, 1), D(2027, 3, 31)),  # Q4 is January–March of the next year
        (D(2028, 2, 29), "FY2028 Q4", D(2028, 1, 1), D(2028, 3, 31)),  # a leap day
    ],
)
def test_a_fiscal_year_starting_in_april_is_named_by_the_year_it_ends_in(day, label, start, end):
    quarter = fiscal_period(day, tenant=APRIL)
    assert (quarter.label, quarter.start, quarter.end) == (label, start, end)
    assert day in quarter


def test_the_april_fiscal_year_runs_from_1_april_to_31_march_and_holds_a_leap_february():
    year = fiscal_period(D(2027, 11, 5), tenant=APRIL, kind=YEAR)
    assert (year.label, year.start, year.end, year.quarter) == ("FY2028", D(2027, 4, 1), D(2028, 3, 31), None)
    assert (year.end - year.start).days + 1 == 366  # FY2028 holds 29 February 2028
    assert fiscal_period(D(2026, 4, 1), tenant=APRIL, kind=YEAR).label == "FY2027"
    assert fiscal_period(D(2026, 3, 31), tenant=APRIL, kind=YEAR).label == "FY2026"


def test_fiscal_months_count_from_the_start_month_and_end_on_the_calendar_months_last_day():
    april = fiscal_period(D(2026, 4, 15), tenant=APRIL, kind=MONTH)
    assert (april.label, april.month, april.quarter, april.start, april.end) == (
        "FY2027 M01",
        1,
        1,
        D(2026, 4, 1),
        D(2026, 4, 30),
    )
    leap_february = fiscal_period(D(2028, 2, 10), tenant=APRIL, kind=MONTH)
    assert (leap_february.label, leap_february.quarter, leap_february.end) == ("FY2028 M11", 4, D(2028, 2, 29))
    march = fiscal_period(D(2027, 3, 31), tenant=APRIL, kind=MONTH)
    assert (march.label, march.start, march.end) == ("FY2027 M12", D(2027, 3, 1), D(2027, 3, 31))


def test_a_calendar_fiscal_year_is_the_calendar_year():
    assert fiscal_period(D(2027, 1, 1), tenant=JANUARY).label == "FY2027 Q1"
    assert fiscal_period(D(2027, 12, 31), tenant=JANUARY).label == "FY2027 Q4"
    year = fiscal_period(D(2027, 6, 1), tenant=JANUARY, kind=YEAR)
    assert (year.label, year.start, year.end) == ("FY2027", D(2027, 1, 1), D(2027, 12, 31))


@pytest.mark.parametrize("start_month", range(1, 13))
@pytest.mark.parametrize("kind", [MONTH, QUARTER, YEAR])
def test_periods_tile_the_calendar_without_gaps_or_overlaps(start_month, kind):
    period = period_of(D(2025, 1, 1), start_month=start_month, kind=kind)
    for _ in range(30):
        following = period.next()
        assert following.start == period.end + datetime.timedelta(days=1)
        assert following.previous() == period
        assert period_of(period.end, start_month=start_month, kind=kind) == period
        period = following


def test_the_current_and_last_quarter_follow_the_tenants_today():
    assert current_quarter(APRIL, today=D(2026, 4, 1)).label == "FY2027 Q1"
    last = last_quarter(APRIL, today=D(2026, 4, 1))
    assert (last.label, last.start, last.end) == ("FY2026 Q4", D(2026, 1, 1), D(2026, 3, 31))
    assert last_quarter(JANUARY, today=D(2027, 2, 1)).label == "FY2026 Q4"


@mock.patch("django.utils.timezone.now", lambda: datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC))
def test_today_is_the_date_in_the_tenants_time_zone():
    assert tenant_today(Tenant(time_zone="UTC")) == D(2026, 12, 31)
    assert tenant_today(Tenant(time_zone="Europe/Berlin")) == D(2027, 1, 1)
    assert current_quarter(Tenant(time_zone="Europe/Berlin", fiscal_year_start_month=1)).label == "FY2027 Q1"


def test_a_start_month_outside_1_to_12_is_refused():
    with pytest.raises(ValueError, match="start_month"):
        period_of(D(2026, 1, 1), start_month=13)
