from django.db.models import Q

from prm.cadences.due_dates import DueDates, status_under
from prm.cadences.models import ReportingCadence
from prm.fiscal import tenant_today


def cadence_list():
    return ReportingCadence.objects.select_related("partner_org", "tenant").order_by(
        "report_kind", "partner_org__name", "partner_type", "created_at"
    )


def cadences_for(partner_orgs, kind):
    """{partner org id: the cadence of `kind` that applies to it, or None} — a partner's own beats its type's."""
    partner_orgs = list(partner_orgs)
    cadences = ReportingCadence.objects.filter(report_kind=kind).select_related("tenant")
    own = {c.partner_org_id: c for c in cadences if c.partner_org_id}
    by_type = {c.partner_type: c for c in cadences if not c.partner_org_id}
    return {org.pk: own.get(org.pk) or by_type.get(org.partner_type) for org in partner_orgs}


def with_cadence(partner_orgs, kind):
    """`partner_orgs` (a queryset) narrowed to those a cadence of `kind` applies to — their own or their type's —
    in SQL: a status costs Python per partner, and most partners of a tenant may report nothing on a schedule."""
    cadences = ReportingCadence.objects.filter(report_kind=kind)
    return partner_orgs.filter(
        Q(pk__in=cadences.filter(partner_org__isnull=False).values("partner_org_id"))
        | Q(partner_type__in=cadences.filter(partner_org__isnull=True).values("partner_type"))
    )


def cadence_for(partner_org, kind):
    return cadences_for([partner_org], kind)[partner_org.pk]


def report_statuses(partner_orgs, kind, last_report_dates, today=None):
    """{partner org id: ReportStatus} of `kind` for each of `partner_orgs`, whose latest reports arrived on
    `last_report_dates` ({partner org id: date}; a missing id: never), due dates in each partner's business days.
    `today` defaults to the tenant's."""
    partner_orgs = list(partner_orgs)
    today = today or tenant_today()
    cadences = cadences_for(partner_orgs, kind)
    due_dates = DueDates()
    return {
        org.pk: status_under(cadences[org.pk], last_report_dates.get(org.pk), today, org, due_dates)
        for org in partner_orgs
    }


def report_status(partner_org, kind, last_report_date, today=None):
    """On time / late (by how many business days) / no cadence, for one partner's latest report of `kind`."""
    return report_statuses([partner_org], kind, {partner_org.pk: last_report_date}, today)[partner_org.pk]
