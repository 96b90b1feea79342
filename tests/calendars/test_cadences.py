"""Reporting cadences: due dates (monthly by day N clamped to the month's end, weekly on a weekday, quarterly N days
after each fiscal quarter ends), the last/next due date around a due day, on time / late / no cadence, a partner's
own cadence beating its type's; the services refuse bad input and roles other than vendor admins, and audit."""

import datetime

import pytest

from prm.accounts.models import Membership
from prm.audit.models import AuditEvent
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
    return ReportingCadence(tenant=tenant or Tenant(fiscal_year_start_month=1), frequency=frequency, **schedule)


@pytest.mark.parametrize(
    ("day_of_month", "today", "last", "next_"),
    [
        (10, D(2026, 2, 20), D(2026, 2, 10), D(2026, 3, 10)),
        (10, D(2026, 2, 10), D(2026, 1, 10), D(2026, 2, 10)),  # due today: not passed yet
        (10, D(2026, 2, 11), D(2026, 2, 10), D(2026, 3, 10)),
        (10, D(2026, 1, 5), D(2025, 12, 10), D(2026, 1, 10)),  # across the year
        (31, D(2026, 2, 15), D(2026, 1, 31), D(2026, 2, 28)),  # clamped to February's end
        (31, D(2028, 3, 1), D(2028, 2, 29), D(2028, 3, 31)),  # a leap February
        (30, D(2026, 3, 1), D(2026, 2, 28), D(2026, 3, 30)),
    ],
)
def test_monthly_due_dates_fall_on_day_n_or_the_months_last_day(day_of_month, today, last, next_):
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
        (2, D(2026, 5, 10), D(2026, 2, 15), D(2026, 5, 15)),  # quarters Feb–Apr, May–Jul, …
    ],
)
def test_quarterly_due_dates_follow_the_tenants_fiscal_quarters(start_month, today, last, next_):
    quarterly = cadence("quarterly", tenant=Tenant(fiscal_year_start_month=start_month), days_after_quarter_end=15)
    assert (last_due_date(quarterly, today), next_due_date(quarterly, today)) == (last, next_)


MONTHLY_10 = cadence("monthly", day_of_month=10)


@pytest.mark.parametrize(
    ("last_report", "today", "state", "days_late", "received"),
    [
        (D(2026, 2, 5), D(2026, 2, 20), ON_TIME, 0, True),  # due 10 Feb, in by 5 Feb
        (D(2026, 2, 10), D(2026, 2, 20), ON_TIME, 0, True),  # on the due day itself
        (D(2026, 1, 11), D(2026, 2, 20), ON_TIME, 0, True),  # the day after the previous due date counts
        (D(2026, 2, 13), D(2026, 2, 20), LATE, 3, True),  # came, three days after 10 Feb
        (D(2026, 1, 10), D(2026, 2, 20), LATE, 10, False),  # the last one was January's: missing since 10 Feb
        (None, D(2026, 2, 20), LATE, 10, False),  # never reported
        (D(2026, 1, 8), D(2026, 2, 10), ON_TIME, 0, True),  # due today: the report due 10 Jan came in time
    ],
)
def test_the_status_says_on_time_or_late_by_how_many_days(last_report, today, state, days_late, received):
    status = status_under(MONTHLY_10, last_report, today)
    assert (status.state, status.days_late, status.received, status.is_late) == (
        state,
        days_late,
        received,
        state == LATE,
    )
    assert status.next_due == next_due_date(MONTHLY_10, today)


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
