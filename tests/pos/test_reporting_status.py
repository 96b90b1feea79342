"""POS uses the reporting cadence: the data-quality page says, per partner with a sales-out cadence, when the last
report was due, when the next one is (moved off weekends and the partner's country's public holidays), and whether
the latest completed report is late, by how many business days; a partner sees only its own organisation."""

import datetime

import pytest

from pos.apps import SALES_OUT_REPORT_KIND
from pos.models import PosImport
from pos.selectors import reporting_status
from prm.accounts.models import PartnerOrg
from prm.cadences.services import cadence_create
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, membership, run_import


def monthly_by(world, day_of_month):
    with tenant_scope(world.tenant_a):
        for org in (world.org1, world.org2):
            cadence_create(
                actor_membership=membership(world, world.alice),
                report_kind=SALES_OUT_REPORT_KIND,
                frequency="monthly",
                partner_org=org,
                day_of_month=day_of_month,
            )


@pytest.fixture
def monthly_by_the_10th(world):
    monthly_by(world, 10)


def _report(world, catalog, capture, arrived_on):
    upload = csv_file("INV-1;2026-03-02;AX-24;2;100;USD;Initech GmbH;DE\n")
    pos_import = run_import(world, upload, capture=capture)
    arrived = datetime.datetime.combine(arrived_on, datetime.time(12), tzinfo=datetime.UTC)
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=pos_import.pk).update(created_at=arrived)
        assert PosImport.objects.get(pk=pos_import.pk).status == PosImport.Status.COMPLETED


def test_a_report_after_the_last_due_date_is_on_time_and_a_partner_that_never_reported_is_late(
    world, catalog, monthly_by_the_10th, django_capture_on_commit_callbacks
):
    _report(world, catalog, django_capture_on_commit_callbacks, datetime.date(2026, 3, 8))
    with tenant_scope(world.tenant_a):
        statuses = dict(reporting_status(membership(world, world.alice), today=datetime.date(2026, 3, 20)))
    pat_org, otto_org = statuses[world.org1], statuses[world.org2]
    assert (pat_org.state, pat_org.last_due, pat_org.next_due) == (
        "on_time",
        datetime.date(2026, 3, 10),
        datetime.date(2026, 4, 10),
    )
    assert (otto_org.state, otto_org.days_late) == ("late", 8)  # business days: 11–13 and 16–20 March


def test_the_previous_months_report_is_late_once_this_months_due_date_has_passed(
    world, catalog, monthly_by_the_10th, django_capture_on_commit_callbacks
):
    _report(world, catalog, django_capture_on_commit_callbacks, datetime.date(2026, 2, 9))
    with tenant_scope(world.tenant_a):
        status = dict(reporting_status(membership(world, world.pat), today=datetime.date(2026, 3, 15)))
    assert list(status) == [world.org1]  # a partner sees its own organisation only
    # Sunday 15 March counts as Monday the 16th: 11–13 and 16 March.
    assert (status[world.org1].state, status[world.org1].days_late) == ("late", 4)


def test_each_partner_follows_its_own_countrys_holidays(world):
    """The tenant is in the US; org1 in Germany, where 1 May 2026 (a Friday) is Labour Day; org2 in the US."""
    monthly_by(world, 1)
    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org2.pk).update(country="US")
        statuses = dict(reporting_status(membership(world, world.alice), today=datetime.date(2026, 5, 20)))
    german, american = statuses[world.org1], statuses[world.org2]
    assert (german.last_due, german.next_due) == (datetime.date(2026, 5, 4), datetime.date(2026, 6, 1))
    assert (american.last_due, american.next_due) == (datetime.date(2026, 5, 1), datetime.date(2026, 6, 1))
    # Never reported: 5–8, 11–13, 15 and 18–20 May in Germany (14 May is Ascension Day); 4–8, 11–15, 18–20 in the US.
    assert (german.days_late, american.days_late) == (11, 13)


def test_the_data_quality_page_shows_the_late_flag_and_nothing_without_a_cadence(
    world, catalog, monthly_by_the_10th, django_capture_on_commit_callbacks
):
    body = world.client(world.otto).get("/pos/quality/").content.decode()
    assert 'data-testid="reporting-status"' in body and "late by" in body and "Beta Distribution" in body
    assert "business day" in body.split("late by", 1)[1].split("</span>", 1)[0]  # late by N business day(s)
    assert "moved to the next business day" in body
    assert "Alpha Resellers" not in body
    charlie_page = world.client(world.charlie).get("/pos/quality/").content.decode()
    assert "No reporting cadence applies yet." in charlie_page
