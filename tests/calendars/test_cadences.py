"""Reporting cadences: due dates (monthly by day N clamped to the month's end, weekly on a weekday, quarterly N days
after each fiscal quarter ends), moved off weekends and public holidays to the next business day of the partner's
country (else the tenant's), the last/next due date around a due day, on time / late by N business days / no
cadence, a partner's own cadence beating its type's; the services refuse bad input and roles other than vendor
admins, and audit; the cadence page and API show the moved due dates."""

import datetime

import pytest

from prm.accounts.models import Membership, PartnerOrg
from prm.audit.models import AuditEvent
from prm.business_days import is_business_day
from prm.cadences import services
from prm.cadences.due_dates import LATE, NO_CADENCE, ON_TIME, last_due_date, next_due_date, status_under
from prm.cadences.models import ReportingCadence
from prm.cadences.selectors import cadence_for, report_status
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant

D = datetime.date
KIND = "pos_sales_out"


def cadence(frequency, tenant=None, **schedule):
    """A cadence of a tenant in the US (the default country) unless `tenant` says otherwise."""
    return ReportingCadence(tenant=tenant or Tenant(fiscal_year_start_month=1), frequency=frequency, **schedule)


def german_tenant():
    return Tenant(fiscal_year_start_month=1, country="DE")


@pytest.mark.parametrize(
    ("day_of_month", "today", "last", "next_"),
    [
        (10, D(2026, 2, 20), D(2026, 2, 10), D(2026, 3, 10)),
        (10, D(2025, 2, 10), D(2025, 1, 10), D(2025, 2, 10)),  # due today: not passed yet
        (10, D(2026, 2, 11), D(2026, 2, 10), D(2026, 3, 10)),
        (10, D(2025, 1, 5), D(2024, 12, 10), D(2025, 1, 10)),  # across the year
        (31, D(2025, 2, 15), D(2025, 1, 31), D(2025, 2, 28)),  # clamped to February's end
        (31, D(2028, 3, 1), D(2028, 2, 29), D(2028, 3, 31)),  # a leap February
        (30, D(2023, 3, 1), D(2023, 2, 28), D(2023, 3, 30)),
    ],
)
def test_monthly_due_dates_fall_on_day_n_or_the_months_last_day(day_of_month, today, last, next_):
    """Days chosen on US business days: none is moved."""
    monthly = cadence("monthly", day_of_month=day_of_month)
    assert (last_due_date(monthly, today), next_due_date(monthly, today)) == (last, next_)


@pytest.mark.parametrize(
    ("today", "last", "next_"),
    [
        (D(2026, 3, 11), D(2026, 3, 6), D(2026, 3, 13)),  # a Wednesday
        (D(2026, 3, 13), D(2026, 3, 6), D(2026, 3, 13)),  # the Friday itself
        (D(2026, 3, 14), D(2026, 3, 13), D(2026, 3, 20)),
    ],
)
def test_weekly_due_dates_fall_on_the_weekday(today, last, next_):
    fridays = cadence("weekly", weekday=ReportingCadence.Weekday.FRIDAY)
    assert (last_due_date(fridays, today), next_due_date(fridays, today)) == (last, next_)


@pytest.mark.parametrize(
    ("start_month", "today", "last", "next_"),
    [
        (1, D(2026, 4, 10), D(2026, 1, 15), D(2026, 4, 15)),  # Q1 ends 31 March: due 15 April
        (1, D(2026, 4, 16), D(2026, 4, 15), D(2026, 7, 15)),
        (4, D(2026, 4, 10), D(2026, 1, 15), D(2026, 4, 15)),  # FY2026 Q4 (Jan–Mar) ends 31 March too
        (4, D(2026, 5, 1), D(2026, 4, 15), D(2026, 7, 15)),
        # quarters Feb–Apr, May–Jul, …; 15 February is a Sunday and the 16th Washington's Birthday: the 17th
        (2, D(2026, 5, 10), D(2026, 2, 17), D(2026, 5, 15)),
    ],
)
def test_quarterly_due_dates_follow_the_tenants_fiscal_quarters(start_month, today, last, next_):
    quarterly = cadence("quarterly", tenant=Tenant(fiscal_year_start_month=start_month), days_after_quarter_end=15)
    assert (last_due_date(quarterly, today), next_due_date(quarterly, today)) == (last, next_)


@pytest.mark.parametrize(
    ("today", "last", "next_"),
    [
        (D(2026, 1, 5), D(2025, 12, 10), D(2026, 1, 12)),  # 10 January 2026 is a Saturday: Monday the 12th
        (D(2026, 1, 11), D(2025, 12, 10), D(2026, 1, 12)),  # the 10th has passed, not the Monday it moved to
        (D(2026, 1, 12), D(2025, 12, 10), D(2026, 1, 12)),  # due today
        (D(2026, 1, 13), D(2026, 1, 12), D(2026, 2, 10)),
        (D(2026, 5, 1), D(2026, 4, 10), D(2026, 5, 11)),  # 10 May 2026 is a Sunday
    ],
)
def test_a_due_date_on_a_weekend_moves_to_the_monday(today, last, next_):
    monthly = cadence("monthly", day_of_month=10)
    assert (last_due_date(monthly, today), next_due_date(monthly, today)) == (last, next_)


@pytest.mark.parametrize(
    ("day_of_month", "today", "in_germany", "in_the_us"),
    [
        (1, D(2026, 4, 20), D(2026, 5, 4), D(2026, 5, 1)),  # Labour Day, Friday 1 May: the Monday in Germany
        (14, D(2026, 5, 1), D(2026, 5, 15), D(2026, 5, 14)),  # Ascension Day, Thursday 14 May: the Friday
        (25, D(2026, 12, 1), D(2026, 12, 28), D(2026, 12, 28)),  # Christmas, Friday (and the 26th in Germany)
    ],
)
def test_a_due_date_on_a_public_holiday_moves_to_the_next_business_day(day_of_month, today, in_germany, in_the_us):
    assert next_due_date(cadence("monthly", tenant=german_tenant(), day_of_month=day_of_month), today) == in_germany
    assert next_due_date(cadence("monthly", day_of_month=day_of_month), today) == in_the_us


def test_a_partner_in_another_country_than_the_tenants_follows_its_own_holidays():
    by_the_14th = cadence("monthly", day_of_month=14, partner_type="distributor")  # a US tenant's
    german_partner = PartnerOrg(country="DE")
    assert next_due_date(by_the_14th, D(2026, 5, 1)) == D(2026, 5, 14)  # the tenant's: a US business day
    assert next_due_date(by_the_14th, D(2026, 5, 1), partner_org=german_partner) == D(2026, 5, 15)  # Ascension Day
    assert last_due_date(by_the_14th, D(2026, 5, 15), partner_org=german_partner) == D(2026, 4, 14)
    own = cadence("monthly", day_of_month=14, partner_org=german_partner)
    assert next_due_date(own, D(2026, 5, 1)) == D(2026, 5, 15)  # a partner's own cadence: its country by default
    # A German tenant's partner in the US: 3 July 2026 is Independence Day (observed) there, a business day here.
    by_the_3rd = cadence("monthly", tenant=german_tenant(), day_of_month=3)
    assert next_due_date(by_the_3rd, D(2026, 6, 20)) == D(2026, 7, 3)
    assert next_due_date(by_the_3rd, D(2026, 6, 20), partner_org=PartnerOrg(country="US")) == D(2026, 7, 6)


MONTHLY_10 = cadence("monthly", day_of_month=10)  # due 10 January 2026 moves to Monday the 12th; 10 February a Tuesday


def test_a_batch_of_statuses_works_out_each_cadences_and_countrys_due_dates_once(monkeypatch):
    from prm.cadences import due_dates

    calls = []
    real = due_dates._around
    monkeypatch.setattr(due_dates, "_around", lambda *args: calls.append(args[1:]) or real(*args))
    batch = due_dates.DueDates()
    partners = [PartnerOrg(name=f"P{n}", country="DE" if n % 2 else "US") for n in range(10)]
    arrivals = [None, D(2026, 2, 11), D(2026, 2, 9), D(2026, 1, 5), D(2026, 2, 12)] * 2

    batched = [status_under(MONTHLY_10, a, D(2026, 2, 20), p, batch) for p, a in zip(partners, arrivals, strict=True)]

    assert len(calls) == 4  # per country: the due date around today, and the one before it
    assert batched == [status_under(MONTHLY_10, a, D(2026, 2, 20), p) for p, a in zip(partners, arrivals, strict=True)]


@pytest.mark.parametrize(
    ("last_report", "today", "state", "days_late", "received"),
    [
        (D(2026, 2, 5), D(2026, 2, 20), ON_TIME, 0, True),  # due 10 Feb, in by 5 Feb
        (D(2026, 2, 10), D(2026, 2, 20), ON_TIME, 0, True),  # on the due day itself
        (D(2026, 1, 13), D(2026, 2, 20), ON_TIME, 0, True),  # the day after the previous due date (12 Jan) counts
        (D(2026, 1, 12), D(2026, 2, 20), LATE, 7, False),  # January's report: missing since 10 Feb
        (D(2026, 2, 13), D(2026, 2, 20), LATE, 3, True),  # came, three business days after 10 Feb
        (D(2026, 2, 21), D(2026, 2, 25), LATE, 8, True),  # a Saturday: counted as the next business day, the 23rd
        (None, D(2026, 2, 20), LATE, 7, False),  # never reported: 11–13, 17–20 Feb (the 16th is a US holiday)
        (None, D(2026, 2, 21), LATE, 8, False),  # a Saturday: as Monday 23rd, like a report arriving today
        (D(2026, 1, 8), D(2026, 2, 10), ON_TIME, 0, True),  # due today: the report due 10 Jan came in time
    ],
)
def test_the_status_says_on_time_or_late_by_how_many_business_days(last_report, today, state, days_late, received):
    status = status_under(MONTHLY_10, last_report, today)
    assert (status.state, status.days_late, status.received, status.is_late) == (
        state,
        days_late,
        received,
        state == LATE,
    )
    assert status.next_due == next_due_date(MONTHLY_10, today)


def test_lateness_counts_the_business_days_of_the_partners_country():
    by_the_14th = cadence("monthly", day_of_month=14, partner_type="reseller")  # a US tenant's
    german_partner = PartnerOrg(country="DE")
    on_the_15th = status_under(by_the_14th, D(2026, 5, 15), D(2026, 5, 20), partner_org=german_partner)
    assert (on_the_15th.state, on_the_15th.last_due) == (ON_TIME, D(2026, 5, 15))  # 14 May is Ascension Day in DE
    in_the_us = status_under(by_the_14th, D(2026, 5, 15), D(2026, 5, 20))
    assert (in_the_us.state, in_the_us.days_late) == (LATE, 1)
    # Missing from 15 May to Friday 29 May: 18–22 and 26–29 May in Germany (25 May is Whit Monday), not 14 days.
    missing = status_under(by_the_14th, None, D(2026, 5, 29), partner_org=german_partner)
    assert (missing.state, missing.last_due, missing.days_late) == (LATE, D(2026, 5, 15), 9)


def test_no_cadence_is_neither_on_time_nor_late():
    status = status_under(None, D(2026, 2, 5), D(2026, 2, 20))
    assert (status.state, status.is_late, status.last_due, status.next_due) == (NO_CADENCE, False, None, None)


# --- services and precedence ----------------------------------------------------------------------------------


def member(world, user):
    return Membership.objects.select_related("user").get(user=user)


def test_a_partners_own_cadence_beats_its_types(world):
    with tenant_scope(world.tenant_a):
        alice = member(world, world.alice)
        services.cadence_create(
            actor_membership=alice, report_kind=KIND, partner_type="distributor", frequency="monthly", day_of_month=10
        )
        assert cadence_for(world.org2, KIND).day_of_month == 10  # org2 is a distributor
        assert cadence_for(world.org1, KIND) is None  # org1 is a reseller
        services.cadence_create(
            actor_membership=alice, report_kind=KIND, partner_org=world.org2, frequency="weekly", weekday=4
        )
        own = cadence_for(world.org2, KIND)
        assert (own.frequency, own.weekday) == ("weekly", 4)
        status = report_status(world.org2, KIND, D(2026, 3, 6), today=D(2026, 3, 9))
        assert (status.state, status.last_due) == (ON_TIME, D(2026, 3, 6))
        assert report_status(world.org1, KIND, None, today=D(2026, 3, 9)).state == NO_CADENCE


def test_creating_changing_and_deleting_a_cadence_is_audited(world):
    with tenant_scope(world.tenant_a):
        alice = member(world, world.alice)
        made = services.cadence_create(
            actor_membership=alice, report_kind=KIND, partner_type="reseller", frequency="monthly", day_of_month=10
        )
        services.cadence_update(actor_membership=alice, cadence=made, frequency="weekly", weekday=0)
        made.refresh_from_db()
        assert (made.frequency, made.weekday, made.day_of_month) == ("weekly", 0, None)  # the old day is cleared
        services.cadence_delete(actor_membership=alice, cadence=made)
        assert not ReportingCadence.objects.exists()
        events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="cadence.")}
    assert set(events) == {"cadence.create", "cadence.update", "cadence.delete"}
    assert events["cadence.update"].before["day_of_month"] == 10
    assert (events["cadence.update"].after["weekday"], events["cadence.update"].after["day_of_month"]) == (0, None)
    assert events["cadence.delete"].before["frequency"] == "weekly"
    assert events["cadence.create"].actor == world.alice


def test_the_cadence_page_and_api_give_the_next_due_date_moved_to_a_business_day(world):
    with tenant_scope(world.tenant_a):
        services.cadence_create(
            actor_membership=member(world, world.alice),
            report_kind=KIND,
            partner_org=world.org1,  # in Germany
            frequency="weekly",
            weekday=ReportingCadence.Weekday.SUNDAY,
        )
    client = world.client(world.alice)
    page = client.get("/cadences/")
    assert "moved to the next business day" in page.content.decode()
    [(_cadence, on_the_page)] = page.context["cadences"]
    in_the_api = D.fromisoformat(client.get("/api/v1/cadences/").json()["results"][0]["next_due_date"])
    assert in_the_api == on_the_page
    assert on_the_page.weekday() != ReportingCadence.Weekday.SUNDAY and is_business_day(on_the_page, "DE")


BAD_INPUT = [
    ({"report_kind": "nothing_registered"}, "unknown_report_kind"),
    ({"partner_type": ""}, "cadence_target"),  # neither a partner nor a type
    ({"partner_org": "org1"}, "cadence_target"),  # both
    ({"partner_type": "wholesaler"}, "invalid_partner_type"),
    ({"frequency": "daily"}, "invalid_frequency"),
    ({"day_of_month": None}, "schedule_required"),
    ({"day_of_month": 0}, "schedule_out_of_range"),
    ({"day_of_month": 32}, "schedule_out_of_range"),
    ({"day_of_month": True}, "schedule_out_of_range"),
    ({"weekday": 4}, "field_not_for_frequency"),  # a monthly cadence with a weekday
    ({"frequency": "weekly", "day_of_month": None, "weekday": 7}, "schedule_out_of_range"),
    ({"frequency": "quarterly", "day_of_month": None, "days_after_quarter_end": 91}, "schedule_out_of_range"),
]


@pytest.mark.parametrize(("change", "code"), BAD_INPUT)
def test_cadence_create_refuses_bad_input_with_a_clear_error(world, change, code):
    with tenant_scope(world.tenant_a):
        body = {"report_kind": KIND, "partner_type": "reseller", "frequency": "monthly", "day_of_month": 10}
        body.update({k: world.org1 if v == "org1" else v for k, v in change.items()})
        with pytest.raises(DomainError) as refused:
            services.cadence_create(actor_membership=member(world, world.alice), **body)
        assert refused.value.code == code
        assert not ReportingCadence.objects.exists()


def test_a_second_cadence_of_a_kind_for_the_same_partner_or_type_is_a_conflict(world):
    with tenant_scope(world.tenant_a):
        alice = member(world, world.alice)
        body = {"actor_membership": alice, "report_kind": KIND, "frequency": "monthly", "day_of_month": 10}
        services.cadence_create(partner_type="reseller", **body)
        services.cadence_create(partner_org=world.org1, **body)
        for target in ({"partner_type": "reseller"}, {"partner_org": world.org1}):
            with pytest.raises(DomainError) as refused:
                services.cadence_create(**target, **body)
            assert (refused.value.code, refused.value.status) == ("duplicate_cadence", 409)


def test_an_update_refuses_a_schedule_field_of_another_frequency_and_unknown_fields(world):
    with tenant_scope(world.tenant_a):
        alice = member(world, world.alice)
        made = services.cadence_create(
            actor_membership=alice, report_kind=KIND, partner_type="reseller", frequency="weekly", weekday=4
        )
        for change, code in (({"day_of_month": 5}, "field_not_for_frequency"), ({"tenant": None}, "invalid_field")):
            with pytest.raises(DomainError) as refused:
                services.cadence_update(actor_membership=alice, cadence=made, **change)
            assert refused.value.code == code
        made.refresh_from_db()
        assert (made.frequency, made.weekday, made.day_of_month) == ("weekly", 4, None)


@pytest.mark.parametrize("who", ["bob", "pat", "una"])
def test_only_vendor_admins_set_cadences(world, who):
    with tenant_scope(world.tenant_a):
        alice = member(world, world.alice)
        made = services.cadence_create(
            actor_membership=alice, report_kind=KIND, partner_type="reseller", frequency="weekly", weekday=4
        )
        actor = member(world, getattr(world, who))
        attempts = [
            lambda: services.cadence_create(
                actor_membership=actor, report_kind=KIND, partner_type="var", frequency="weekly", weekday=1
            ),
            lambda: services.cadence_update(actor_membership=actor, cadence=made, weekday=2),
            lambda: services.cadence_delete(actor_membership=actor, cadence=made),
        ]
        for attempt in attempts:
            with pytest.raises(DomainError) as refused:
                attempt()
            assert (refused.value.code, refused.value.status) == ("forbidden", 403)
        assert list(ReportingCadence.objects.values_list("partner_type", "weekday")) == [("reseller", 4)]
