from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.accounts.models import Membership, PartnerOrg, Role
from prm.accounts.permissions import can_configure_tenant, require
from prm.audit.services import record, snapshot
from prm.cadences.models import MAX_DAYS_AFTER_QUARTER_END, LateReportNotice, ReportingCadence
from prm.cadences.selectors import report_statuses
from prm.fiscal import tenant_today
from prm.modules import is_report_kind, report_kinds_with_arrivals
from prm.notifications.services import notify
from prm.services import Conflict, DomainError

CADENCE_FIELDS = [
    "report_kind",
    "partner_org",
    "partner_type",
    "frequency",
    "day_of_month",
    "weekday",
    "days_after_quarter_end",
]
# Each frequency's one schedule field and its bounds; the other frequencies' fields stay empty.
SCHEDULE_FIELDS = {
    ReportingCadence.Frequency.MONTHLY: ("day_of_month", 1, 31),
    ReportingCadence.Frequency.WEEKLY: ("weekday", 0, 6),
    ReportingCadence.Frequency.QUARTERLY: ("days_after_quarter_end", 0, MAX_DAYS_AFTER_QUARTER_END),
}


def _require_configurer(actor_membership):
    require(can_configure_tenant(actor_membership), _("Only vendor admins set reporting cadences."))


def _clean(values, given):
    """Check a cadence's fields (`values`, every field) and clear the schedule fields of other frequencies
    (refused when the caller `given` one of them explicitly)."""
    if not is_report_kind(values["report_kind"]):
        raise DomainError(
            _("'%(kind)s' is not a report kind.") % {"kind": values["report_kind"]}, code="unknown_report_kind"
        )
    if (values["partner_org"] is None) == (not values["partner_type"]):
        raise DomainError(
            _("A cadence is for one partner organisation or for one partner type, not both or neither."),
            code="cadence_target",
        )
    if values["partner_type"] and values["partner_type"] not in PartnerOrg.Type.values:
        raise DomainError(
            _("'%(type)s' is not a partner type.") % {"type": values["partner_type"]}, code="invalid_partner_type"
        )
    if values["frequency"] not in SCHEDULE_FIELDS:
        raise DomainError(
            _("'%(frequency)s' is not a frequency.") % {"frequency": values["frequency"]}, code="invalid_frequency"
        )
    field, low, high = SCHEDULE_FIELDS[values["frequency"]]
    frequency = str(ReportingCadence.Frequency(values["frequency"]).label).lower()
    for other, *_bounds in SCHEDULE_FIELDS.values():
        if other == field:
            continue
        if other in given:
            raise DomainError(
                _("A %(frequency)s cadence has no %(field)s.") % {"frequency": frequency, "field": other},
                code="field_not_for_frequency",
            )
        values[other] = None
    value = values[field]
    if value is None:
        raise DomainError(
            _("A %(frequency)s cadence needs its %(field)s.") % {"frequency": frequency, "field": field},
            code="schedule_required",
        )
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(
            _("%(field)s is a whole number from %(low)d to %(high)d.") % {"field": field, "low": low, "high": high},
            code="schedule_out_of_range",
        )
    return values


def _save(cadence):
    try:
        with transaction.atomic():
            cadence.save()
    except IntegrityError as exc:
        target = cadence.partner_org.name if cadence.partner_org_id else cadence.get_partner_type_display()
        raise Conflict(
            _("%(target)s has a cadence for %(kind)s already.")
            % {"target": target, "kind": cadence.get_report_kind_display()},
            code="duplicate_cadence",
        ) from exc


@transaction.atomic
def cadence_create(
    *,
    actor_membership,
    report_kind,
    frequency,
    partner_org=None,
    partner_type="",
    day_of_month=None,
    weekday=None,
    days_after_quarter_end=None,
):
    """A reporting cadence for one partner organisation or for every partner of a type."""
    _require_configurer(actor_membership)
    values = {
        "report_kind": report_kind,
        "partner_org": partner_org,
        "partner_type": partner_type or "",
        "frequency": frequency,
        "day_of_month": day_of_month,
        "weekday": weekday,
        "days_after_quarter_end": days_after_quarter_end,
    }
    cadence = ReportingCadence(**_clean(values, given={k for k, v in values.items() if v is not None}))
    _save(cadence)
    record(action="cadence.create", actor=actor_membership.user, obj=cadence, after=snapshot(cadence, CADENCE_FIELDS))
    return cadence


@transaction.atomic
def cadence_update(*, actor_membership, cadence, **changes):
    """Change some of a cadence's fields (a new frequency clears the old one's schedule field)."""
    _require_configurer(actor_membership)
    unknown = set(changes) - set(CADENCE_FIELDS)
    if unknown:
        raise DomainError(
            _("Not a cadence field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="invalid_field"
        )
    before = snapshot(cadence, CADENCE_FIELDS)
    current = {field: getattr(cadence, field) for field in CADENCE_FIELDS}
    given = {k for k, v in changes.items() if v is not None}
    values = {**current, **changes}
    values["partner_type"] = values["partner_type"] or ""
    values = _clean(values, given)
    for field, value in values.items():
        setattr(cadence, field, value)
    _save(cadence)
    record(
        action="cadence.update",
        actor=actor_membership.user,
        obj=cadence,
        before=before,
        after=snapshot(cadence, CADENCE_FIELDS),
    )
    return cadence


@transaction.atomic
def cadence_delete(*, actor_membership, cadence):
    _require_configurer(actor_membership)
    before = snapshot(cadence, CADENCE_FIELDS)
    record(action="cadence.delete", actor=actor_membership.user, obj=cadence, before=before)
    cadence.delete()


# --- the daily late-report job (prm.cadences.tasks) ----------------------------------------------------------


@transaction.atomic
def late_reports_notify(today=None):
    """For the current tenant: each active partner whose report of a kind that says when reports arrive
    (prm.modules.report_kinds_with_arrivals) was due on a business day before `today` and has not arrived is
    notified once for that due date — its partner admins and its channel manager. Returns the notices created."""
    today = today or tenant_today()
    active = PartnerOrg.objects.filter(status=PartnerOrg.Status.ACTIVE)
    partner_orgs = list(active.select_related("channel_manager__user"))
    notices = []
    for kind, label, arrivals in report_kinds_with_arrivals():
        statuses = report_statuses(partner_orgs, kind, arrivals(partner_orgs), today)
        for org in partner_orgs:
            status = statuses[org.pk]
            if status.is_late and not status.received and status.days_late > 0:
                notice, created = LateReportNotice.objects.get_or_create(
                    partner_org=org, report_kind=kind, due_date=status.last_due
                )
                if created:
                    _notify_late_report(org, label, status)
                    notices.append(notice)
    return notices


def _notify_late_report(org, label, status):
    admins = Membership.objects.filter(partner_org=org, role=Role.PARTNER_ADMIN, is_active=True)
    channel_manager = org.channel_manager
    recipients = [m.user for m in admins.select_related("user")]
    if channel_manager is not None and channel_manager.is_active:
        recipients.append(channel_manager.user)
    values = {"report": label, "org": org.name, "due": status.last_due.isoformat(), "days": status.days_late}
    notify(
        recipients=recipients,
        title=_("%(report)s of %(org)s is overdue") % values,
        body=ngettext(
            "It was due on %(due)s, %(days)s business day ago.",
            "It was due on %(due)s, %(days)s business days ago.",
            status.days_late,
        )
        % values,
    )
