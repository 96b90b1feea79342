"""Business days skip weekends and the country's national public holidays: Christmas and New Year in DE, US and GB,
Easter Monday in DE, a Monday holiday after a Friday; the count is over (a, b] and adding n then counting from the
same day gives n back; the default country is the tenant's, a partner's where one is given."""

import datetime

import pytest

from prm.business_days import add_business_days, business_days_between, is_business_day
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant

D = datetime.date


@pytest.mark.parametrize(
    ("country", "day", "n", "expected"),
    [
        ("DE", D(2026, 12, 24), 1, D(2026, 12, 28)),  # Thu → Mon: 25 and 26 Dec are holidays, then a weekend
        ("GB", D(2026, 12, 24), 1, D(2026, 12, 29)),  # 28 Dec is Boxing Day (observed) in GB
        ("US", D(2026, 12, 24), 1, D(2026, 12, 28)),  # Christmas only
        ("US", D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day on a Friday, across the year
        ("DE", D(2027, 1, 4), -1, D(2026, 12, 31)),  # backwards across New Year
        ("DE", D(2026, 4, 2), 1, D(2026, 4, 7)),  # Good Friday and Easter Monday 2026
        ("GB", D(2026, 5, 1), 1, D(2026, 5, 5)),  # a Friday before the early May bank holiday Monday
        ("US", D(2026, 5, 22), 1, D(2026, 5, 26)),  # a Friday before Memorial Day
        ("US", D(2026, 5, 26), -1, D(2026, 5, 22)),
        ("DE", D(2026, 3, 6), 5, D(2026, 3, 13)),  # a plain week
        ("DE", D(2026, 3, 7), 1, D(2026, 3, 9)),  # Saturday + 1 = Monday
        ("DE", D(2026, 3, 7), -1, D(2026, 3, 6)),  # Saturday − 1 = Friday
        ("DE", D(2026, 3, 7), 0, D(2026, 3, 7)),  # 0 leaves the day as it is
        ("DE", D(2026, 3, 9), 0, D(2026, 3, 9)),
        ("IL", D(2026, 3, 5), 1, D(2026, 3, 8)),  # Israel's weekend is Friday–Saturday: Thursday + 1 = Sunday
    ],
)
def test_add_business_days_skips_weekends_and_public_holidays(country, day, n, expected):
    assert add_business_days(day, n, country) == expected


@pytest.mark.parametrize(
    ("country", "a", "b", "expected"),
    [
        ("DE", D(2026, 12, 24), D(2026, 12, 28), 1),  # (Thu, Mon]: only Monday
        ("GB", D(2026, 12, 24), D(2026, 12, 28), 0),
        ("DE", D(2026, 12, 23), D(2027, 1, 4), 6),  # 24, 28, 29, 30, 31 Dec and 4 Jan
        ("DE", D(2026, 3, 9), D(2026, 3, 9), 0),
        ("DE", D(2026, 3, 6), D(2026, 3, 9), 1),  # due Friday, received Monday: 1 day late
        ("DE", D(2026, 3, 7), D(2026, 3, 9), 1),  # due Saturday, received Monday
        ("DE", D(2026, 3, 7), D(2026, 3, 8), 0),  # a weekend only
        ("DE", D(2026, 4, 2), D(2026, 4, 7), 1),  # Easter: (Thu, Tue] holds only Tuesday
    ],
)
def test_business_days_between_counts_the_half_open_interval_after_a_up_to_b(country, a, b, expected):
    assert business_days_between(a, b, country) == expected


def test_counting_backwards_takes_b_and_leaves_a_out():
    # [23 Dec 2026, 4 Jan 2027) in DE: 23, 24, 28, 29, 30, 31 December → 6 days, negated.
    assert business_days_between(D(2027, 1, 4), D(2026, 12, 23), "DE") == -6
    assert business_days_between(D(2026, 3, 9), D(2026, 3, 6), "DE") == -1  # [Fri, Mon)


@pytest.mark.parametrize("country", ["DE", "US", "GB"])
@pytest.mark.parametrize("n", [-15, -3, -1, 0, 1, 2, 7, 20])
def test_counting_from_a_day_to_that_day_plus_n_business_days_gives_n(country, n):
    for offset in range(14):  # every weekday and weekend day around Christmas and New Year
        day = D(2026, 12, 20) + datetime.timedelta(days=offset)
        assert business_days_between(day, add_business_days(day, n, country), country) == n


def test_the_default_country_is_the_current_tenants_and_a_partners_own_wins(world):
    tenant = Tenant.objects.get(pk=world.tenant_a.pk)
    tenant.country = "GB"
    tenant.save(update_fields=["country"])
    boxing_day_observed = D(2026, 12, 28)
    with tenant_scope(tenant):
        assert not is_business_day(boxing_day_observed)
        assert add_business_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
        world.org1.country = "DE"
        assert is_business_day(boxing_day_observed, partner_org=world.org1)
        assert add_business_days(D(2026, 12, 24), 1, partner_org=world.org1) == boxing_day_observed
        assert business_days_between(D(2026, 12, 24), D(2026, 12, 29), partner_org=world.org1) == 2
        assert business_days_between(D(2026, 12, 24), D(2026, 12, 29), "GB", partner_org=world.org1) == 1


def test_a_country_code_the_calendar_does_not_know_is_a_clear_error():
    with pytest.raises(DomainError) as refused:
        add_business_days(D(2026, 1, 1), 1, "ZZ")
    assert refused.value.code == "invalid_country"
