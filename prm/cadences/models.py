from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import PartnerOrg
from prm.modules import report_kind_choices
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel

MAX_DAYS_AFTER_QUARTER_END = 90


class ReportingCadence(TenantModel):
    """When partners owe a kind of report: for one partner organisation or for every partner of a type (a partner's
    own cadence beats its type's). Monthly by a day of the month (31 means the month's last day), weekly on a
    weekday, or quarterly a number of days after each fiscal quarter ends. Due dates: prm.cadences.due_dates."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        WEEKLY = "weekly", _("Weekly")
        QUARTERLY = "quarterly", _("Quarterly")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    report_kind = models.CharField(_("report"), max_length=50, choices=report_kind_choices)
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerOrg.Type.choices, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, choices=Weekday.choices)
    days_after_quarter_end = models.PositiveSmallIntegerField(_("days after the quarter ends"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report_kind", "partner_type", "created_at"]
        indexes = [models.Index(fields=["tenant", "partner_org"], name="cadence_partner_org_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner_org__isnull=True) & ~Q(partner_type=""))
                | (Q(partner_org__isnull=False) & Q(partner_type="")),
                name="cadence_for_a_partner_or_a_type",
            ),
            models.CheckConstraint(
                condition=(
                    Q(frequency="monthly", day_of_month__range=(1, 31), weekday=None, days_after_quarter_end=None)
                    | Q(frequency="weekly", weekday__range=(0, 6), day_of_month=None, days_after_quarter_end=None)
                    | Q(
                        frequency="quarterly",
                        days_after_quarter_end__range=(0, MAX_DAYS_AFTER_QUARTER_END),
                        day_of_month=None,
                        weekday=None,
                    )
                ),
                name="cadence_schedule_matches_frequency",
            ),
            models.UniqueConstraint(
                fields=["tenant", "report_kind", "partner_org"],
                condition=Q(partner_org__isnull=False),
                name="cadence_one_per_partner_and_kind",
            ),
            models.UniqueConstraint(
                fields=["tenant", "report_kind", "partner_type"],
                condition=~Q(partner_type=""),
                name="cadence_one_per_type_and_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_report_kind_display()}: {self.get_frequency_display()}"

    @property
    def target_label(self):
        """Whom the cadence is for: the partner organisation's name, or "every <type>"."""
        if self.partner_org_id:
            return self.partner_org.name
        return _("Every %(type)s") % {"type": self.get_partner_type_display().lower()}

    @property
    def schedule_label(self):
        """ "Monthly by day 10", "Weekly on Friday", "Quarterly, 15 days after the quarter ends"."""
        if self.frequency == self.Frequency.MONTHLY:
            return _("Monthly by day %(day)s") % {"day": self.day_of_month}
        if self.frequency == self.Frequency.WEEKLY:
            return _("Weekly on %(weekday)s") % {"weekday": self.get_weekday_display()}
        return _("Quarterly, %(days)s days after the fiscal quarter ends") % {"days": self.days_after_quarter_end}


class LateReportNotice(TenantModel):
    """A partner reminded that its report of `report_kind` owed on `due_date` has not arrived (prm.cadences.services.
    late_reports_notify): one per partner, kind and due date, so each overdue report is notified once."""

    partner_org = TenantForeignKey("accounts.PartnerOrg", on_delete=models.CASCADE, related_name="+")
    report_kind = models.CharField(max_length=50)
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "report_kind", "due_date"], name="one_late_report_notice"
            )
        ]
