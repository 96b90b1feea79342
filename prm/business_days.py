"""Business days: neither a weekend day nor a national public holiday of a country (the `holidays` package; the
country's own weekend too, e.g. Friday–Saturday in Israel). Regional holidays (a German state's, a US state's)
are not counted: a country's national ones only.

The country is, in this order: `country=` (ISO 3166-1 alpha-2), the `partner_org=`'s country (a partner's
deadline follows its own holidays), else the current tenant's country (`Tenant.country`).

- `add_business_days(day, n)`: the n-th business day after `day` (n > 0) or before it (n < 0), `day` itself never
  counted; n = 0 answers `day` unchanged, business day or not. Friday + 1 is Monday (Tuesday when Monday is a
  holiday); Saturday + 1 is Monday; Saturday − 1 is Friday.
- `business_days_between(a, b)`: the business-day steps from a to b — the business days d with a < d <= b
  (a excluded, b included: the half-open interval (a, b]), negative when b is before a (then b <= d < a). So
  "received Monday, due the Friday before" is 1 day late, and for every day a and every n,
  `business_days_between(a, add_business_days(a, n)) == n`.

    from prm.business_days import add_business_days, business_days_between
    due = add_business_days(quarter.end, 10)                              # the tenant's holidays
    late_by = business_days_between(due, received_on, partner_org=org)   # the partner's
"""

import datetime
import functools

import holidays

from prm.services import DomainError
from prm.tenancy.context import require_current_tenant

ONE_DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=1024)
def _calendar(country, year):
    """(The country's public holidays of `year` as a frozenset, its weekend weekdays)."""
    try:
        country_holidays = holidays.country_holidays(country, years=year)
    except NotImplementedError as exc:
        raise DomainError(
            f"{country!r} is not a country code the holiday calendar knows.", code="invalid_country"
        ) from exc
    return frozenset(country_holidays), frozenset(country_holidays.weekend)


def resolve_country(country=None, partner_org=None):
    """The country business days are counted in: `country`, else the partner's, else the current tenant's."""
    if country:
        return country.upper()
    if partner_org is not None:
        return partner_org.country
    return require_current_tenant().country


def is_business_day(day, country=None, *, partner_org=None):
    public_holidays, weekend = _calendar(resolve_country(country, partner_org), day.year)
    return day.weekday() not in weekend and day not in public_holidays


def add_business_days(day, n, country=None, *, partner_org=None):
    """The n-th business day after `day` (before it when n < 0); `day` when n == 0."""
    country = resolve_country(country, partner_org)
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        remaining -= is_business_day(day, country)
    return day


def business_days_between(a, b, country=None, *, partner_org=None):
    """The business days in (a, b] — negated, those in [b, a) when b < a."""
    country = resolve_country(country, partner_org)
    if b < a:
        return -_count(b - ONE_DAY, a - ONE_DAY, country)
    return _count(a, b, country)


def _count(after, through, country):
    """Business days d with after < d <= through."""
    days = (through - after).days
    return sum(is_business_day(after + datetime.timedelta(days=i), country) for i in range(1, days + 1))
