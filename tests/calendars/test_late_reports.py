"""The daily late-report job (prm.cadences.tasks.notify_late_reports): a partner whose sales-out report was due on a
business day before today and has not arrived is notified once per due date — its partner admins and its channel
manager — and a partner that reported, has no cadence or is inactive is not."""

import datetime

import pytest
from django.utils import timezone

from pos.apps import SALES_OUT_REPORT_KIND
from pos.models import PosImport
from prm.accounts.models import Membership, PartnerOrg
from prm.cadences.models import LateReportNotice, ReportingCadence
from prm.cadences.services import late_reports_notify
from prm.cadences.tasks import notify_late_reports
from prm.notifications.models import Notification
from prm.tenancy.context import tenant_scope

# A Monday: the report due on Tuesday 10 March is 4 business days late.
MONDAY_16_MARCH = datetime.date(2026, 3, 16)


@pytest.fixture
def monthly_by_the_10th(world):
    """org1 (pat its partner admin, una a partner user, bob its channel manager) and org2 owe a sales-out report
    by the 10th of each month; org1's last report arrived on 9 February, org2's on 9 March."""
    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org1.pk).update(channel_manager=Membership.objects.get(user=world.bob))
        for org in (world.org1, world.org2):
            ReportingCadence.objects.create(
                partner_org=org, report_kind=SALES_OUT_REPORT_KIND, frequency="monthly", day_of_month=10
            )
        for org, day in ((world.org1, datetime.date(2026, 2, 9)), (world.org2, datetime.date(2026, 3, 9))):
            arrived = PosImport.objects.create(
                partner_org=org, status=PosImport.Status.COMPLETED, source=PosImport.Source.API
            )
            noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
            PosImport.objects.filter(pk=arrived.pk).update(created_at=noon)


def notified(world):
    with tenant_scope(world.tenant_a):
        return sorted((n.recipient.email, n.title, n.body) for n in Notification.objects.select_related("recipient"))


def test_an_overdue_report_notifies_the_partner_admins_and_the_channel_manager_once(world, monthly_by_the_10th):
    with tenant_scope(world.tenant_a):
        first = late_reports_notify(today=MONDAY_16_MARCH)
        again = late_reports_notify(today=MONDAY_16_MARCH + datetime.timedelta(days=1))

    title = "Sales-out report (POS) of Alpha Resellers is overdue"
    body = "It was due on 2026-03-10, 4 business days ago."
    assert [(n.partner_org_id, n.due_date) for n in first] == [(world.org1.pk, datetime.date(2026, 3, 10))]
    assert again == []
    assert notified(world) == [(world.bob.email, title, body), (world.pat.email, title, body)]


def test_the_next_overdue_report_is_notified_again(world, monthly_by_the_10th):
    with tenant_scope(world.tenant_a):
        late_reports_notify(today=MONDAY_16_MARCH)
        april = late_reports_notify(today=datetime.date(2026, 4, 14))

        assert [n.due_date for n in april] == [datetime.date(2026, 4, 10)] * 2  # org2 has not reported March either
        assert LateReportNotice.objects.count() == 3


def test_nothing_is_notified_on_the_due_day_or_for_an_inactive_partner(world, monthly_by_the_10th):
    with tenant_scope(world.tenant_a):
        on_the_due_day = late_reports_notify(today=datetime.date(2026, 3, 10))
        PartnerOrg.objects.filter(pk=world.org1.pk).update(status=PartnerOrg.Status.INACTIVE)
        inactive = late_reports_notify(today=MONDAY_16_MARCH)

    assert on_the_due_day == inactive == []
    assert notified(world) == []


def test_the_beat_task_runs_the_job_in_every_active_tenant_and_keeps_tenants_apart(world, monthly_by_the_10th):
    with tenant_scope(world.tenant_b):
        ReportingCadence.objects.create(
            partner_org=world.org_b, report_kind=SALES_OUT_REPORT_KIND, frequency="weekly", weekday=0
        )

    notify_late_reports()

    with tenant_scope(world.tenant_a):
        assert set(LateReportNotice.objects.values_list("partner_org_id", flat=True)) >= {world.org1.pk}
        assert not LateReportNotice.objects.filter(partner_org=world.org_b).exists()
    with tenant_scope(world.tenant_b):
        assert set(LateReportNotice.objects.values_list("partner_org_id", flat=True)) == {world.org_b.pk}
