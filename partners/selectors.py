"""Reads of the partner program: the application queue and its possible duplicates."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerApplication, PartnerProfile, ProgramSettings, Tier, TierChange
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import can_review_applications
from prm.fiscal import tenant_today
from prm.modules import tier_revenue_sources
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import within_scope

Status = PartnerApplication.Status
APPLICATION_SORTS = {"submitted": "submitted_at", "company": "company_name", "country": "country"}


def application_list(viewer, *, status=Status.SUBMITTED, search="", sort="-submitted"):
    """The applications `viewer` may review (none for anyone else): by status ("" for all), company name or e-mail
    containing `search`, sorted by a key of APPLICATION_SORTS (a leading "-" for descending; newest first else)."""
    if not can_review_applications(viewer):
        return PartnerApplication.objects.none()
    rows = PartnerApplication.objects.select_related("partner_org", "decided_by__user")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(Q(company_name__icontains=search) | Q(contact_email__icontains=search))
    descending, key = sort.startswith("-"), sort.lstrip("-")
    column = APPLICATION_SORTS.get(key, "submitted_at")
    return rows.order_by(f"-{column}" if descending or key not in APPLICATION_SORTS else column, "-id")


@dataclass(frozen=True)
class DuplicateMatch:
    """Another record that looks like the same company: `kind` "partner" or "application", which `field`
    matched ("web domain" or "company name") and on what `value`."""

    kind: str
    name: str
    field: str
    value: str
    obj: object

    @property
    def is_open_application(self):
        return self.kind == "application" and self.obj.status == Status.SUBMITTED


def possible_duplicates(applications):
    """{application id: [DuplicateMatch]} for `applications` (a page's): existing partners whose profile has the
    same registrable web domain or whose name has the same company key (prm.companies), and other applications —
    open or decided — with either. Three queries, whatever the number of applications."""
    applications = list(applications)
    domains = {a.web_domain for a in applications if a.web_domain}
    keys = {a.company_key for a in applications if a.company_key}
    profiles = PartnerProfile.objects.filter(web_domain__in=domains).select_related("partner_org")
    orgs = PartnerOrg.objects.filter(name_key__in=keys)
    others = PartnerApplication.objects.filter(Q(web_domain__in=domains) | Q(company_key__in=keys)).order_by(
        "-submitted_at"
    )
    by_domain, by_key = {}, {}
    for profile in profiles:
        by_domain.setdefault(profile.web_domain, []).append(("partner", profile.partner_org))
    for org in orgs:
        by_key.setdefault(org.name_key, []).append(("partner", org))
    for other in others:
        if other.web_domain:
            by_domain.setdefault(other.web_domain, []).append(("application", other))
        if other.company_key:
            by_key.setdefault(other.company_key, []).append(("application", other))
    return {a.pk: _matches(a, by_domain, by_key) for a in applications}


def _matches(application, by_domain, by_key):
    found, seen = [], {application.pk, application.partner_org_id}
    candidates = [(_("web domain"), application.web_domain, by_domain.get(application.web_domain, []))]
    candidates.append((_("company name"), application.company_name, by_key.get(application.company_key, [])))
    for field, value, rows in candidates:
        for kind, obj in rows:
            if obj.pk in seen:
                continue
            seen.add(obj.pk)
            name = obj.name if kind == "partner" else obj.company_name
            found.append(DuplicateMatch(kind=kind, name=name, field=str(field), value=value, obj=obj))
    return found


APPLICATION_COLUMNS = [
    ("submitted_at", "submitted_at"),
    ("company_name", "company"),
    ("partner_type", "partner_type"),
    ("country", "country"),
    ("website", "website"),
    ("web_domain", "web_domain"),
    ("specialisations", "specialisations"),
    ("expected_annual_sales", "expected_annual_sales"),
    ("currency", "currency"),
    ("contact_name", "contact_name"),
    ("contact_email", "contact_email"),
    ("status", "status"),
    ("decided_at", "decided_at"),
    ("decision_reason", "decision_reason"),
    ("partner_org__name", "partner"),
]


def applications_table(applications):
    """(header, rows) of the queue's export: the applications as listed, specialisations joined by "; ", times as
    "YYYY-MM-DD HH:MM" in the tenant's time zone (a spreadsheet takes no time zone)."""
    header = [label for _, label in APPLICATION_COLUMNS]
    zone = zoneinfo.ZoneInfo(require_current_tenant().time_zone)

    def cell(value):
        if isinstance(value, datetime.datetime):
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return "; ".join(value) if isinstance(value, list) else value

    rows = (
        [cell(value) for value in row]
        for row in applications.values_list(*[path for path, _ in APPLICATION_COLUMNS]).iterator(chunk_size=2000)
    )
    return header, rows


def waiting_application_count(viewer):
    return application_list(viewer).count()


# --- tiers -------------------------------------------------------------------------------------------------------


def program_settings(lock=False):
    """The current tenant's ProgramSettings, made with the defaults on first use."""
    settings, _created = ProgramSettings.objects.get_or_create()
    return ProgramSettings.objects.select_for_update().get(pk=settings.pk) if lock else settings


@dataclass(frozen=True)
class TierFigures:
    """What a partner's tier is decided on."""

    sales_12m: Decimal


def trailing_year(today):
    """The whole invoice months of the trailing 12 months: from the first day of the month 11 months before
    `today`'s to `today`."""
    index = today.year * 12 + today.month - 1 - 11
    return datetime.date(index // 12, index % 12 + 1, 1), today


def tier_figures(partner_org_ids, today):
    """{partner org id: TierFigures} of `partner_org_ids` (a list, or a queryset of ids: a subquery in each source's
    statement) — sales of the trailing 12 months summed over the registered tier-revenue sources
    (prm.modules.register_tier_revenue_source: POS's validated sales; later won deals), each a few queries for
    every partner at once."""
    date_from, date_to = trailing_year(today)
    sales = dict.fromkeys(partner_org_ids, Decimal(0))
    for source in tier_revenue_sources():
        for pk, amount in source.fn(partner_org_ids=partner_org_ids, date_from=date_from, date_to=date_to).items():
            sales[pk] += amount
    return {pk: TierFigures(sales_12m=amount) for pk, amount in sales.items()}


def tier_tracks(tiers):
    """{partner type: its track's tiers, best first}; a type no tier names gets the tiers that name none."""
    default = sorted((t for t in tiers if not t.partner_types), key=lambda t: -t.rank)
    tracks = {}
    for partner_type in PartnerOrg.Type.values:
        own = [t for t in tiers if partner_type in t.partner_types]
        tracks[partner_type] = sorted(own, key=lambda t: -t.rank) if own else default
    return tracks


def meets(tier, figures):
    return figures.sales_12m >= tier.min_sales_12m


def qualified_tiers(tiers, orgs, figures):
    """{partner org id: the best tier of its track its figures meet, or None} for `orgs` [(id, partner type)]."""
    tracks = tier_tracks(tiers)
    return {pk: next((t for t in tracks[kind] if meets(t, figures[pk])), None) for pk, kind in orgs}


@dataclass(frozen=True)
class Requirement:
    label: str
    current: object
    target: object

    @property
    def gap(self):
        return max(self.target - self.current, 0)


@dataclass(frozen=True)
class TierStatus:
    """A partner's tier: the profile's state, the next tier of its track and each of its requirements."""

    profile: object
    figures: TierFigures
    next_tier: object
    requirements: list


def tier_statuses(partner_orgs, today=None):
    """{partner org id: TierStatus} ("What you need for the next tier") of `partner_orgs` (a page of them): a fixed
    number of queries, whatever their number."""
    today = today or tenant_today()
    partner_orgs = list(partner_orgs)
    ids = [org.pk for org in partner_orgs]
    profiles = {
        p.partner_org_id: p
        for p in PartnerProfile.objects.filter(partner_org_id__in=ids).select_related(
            "tier", "pending_tier", "override_tier"
        )
    }
    figures = tier_figures(ids, today)
    tracks = tier_tracks(list(Tier.objects.all()))
    statuses = {}
    for org in partner_orgs:
        profile = profiles.get(org.pk) or PartnerProfile(partner_org=org)
        held = profile.override_tier or profile.tier
        better = [t for t in tracks[org.partner_type] if t.rank > (held.rank if held else -1)]
        next_tier = better[-1] if better else None  # the track is best first: the lowest of the better ones
        requirements = []
        if next_tier is not None:
            label = str(_("sales in the trailing 12 months"))
            requirements.append(Requirement(label, figures[org.pk].sales_12m, next_tier.min_sales_12m))
        statuses[org.pk] = TierStatus(profile, figures[org.pk], next_tier, requirements)
    return statuses


def tier_status(partner_org, today=None):
    """The TierStatus of one partner organisation."""
    return tier_statuses([partner_org], today)[partner_org.pk]


def tier_history(viewer, partner_org=None):
    rows = TierChange.objects.select_related("partner_org", "from_tier", "to_tier", "decided_by__user")
    rows = within_scope(rows, viewer)
    if partner_org is not None:
        rows = rows.filter(partner_org=partner_org)
    return rows.order_by("-created_at", "-id")


def tier_list():
    return Tier.objects.order_by("rank", "name")


def track_labels(tiers):
    """{tier id: its track's label} — the partner types it names, or "every other type"."""
    types = dict(PartnerOrg.Type.choices)
    return {
        tier.pk: ", ".join(str(types.get(t, t)) for t in tier.partner_types) or str(_("every other type"))
        for tier in tiers
    }


def partners_per_tier():
    """{tier id: the number of active partners holding it (an override counts for the tier it holds)}."""
    held = Coalesce("override_tier_id", "tier_id")
    rows = (
        PartnerProfile.objects.filter(partner_org__status=PartnerOrg.Status.ACTIVE)
        .annotate(held=held)
        .values("held")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["held"]: row["n"] for row in rows if row["held"]}
