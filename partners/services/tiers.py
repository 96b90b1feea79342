"""Tiers: the vendor admin's configuration, the automatic evaluation of every partner, manual overrides.

The evaluation is set-based: each partner's trailing-12-month sales come from the tier-revenue sources modules
register (prm.modules.register_tier_revenue_source; POS's reads its per-partner monthly sums, which the load keeps
current), a few queries for every partner at once; the decision per partner is a comparison in Python; the
changed profiles and their history rows are written in bulk, and one task notifies the partners concerned and their
channel managers once the run has committed. The rules (docs/partners.md, "Tiers"):
- a partner qualifies for the best tier of its track whose requirements its figures meet;
- better than its tier: the upgrade applies at once;
- worse: its tier is kept for the tenant's grace period (`ProgramSettings.tier_grace_days`), during which it is told
  what is missing; meeting the requirements again ends the grace; at its end the downgrade applies;
- a manual override (a reason and an end date) holds the tier it names until that date; then the partner takes the
  tier it qualifies for.
"""

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import PartnerProfile, Tier, TierChange
from partners.selectors import program_settings, qualified_tiers, tier_figures
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import can_configure_tenant, can_manage_partner_orgs, require
from prm.audit.services import record, snapshot
from prm.fiscal import tenant_today
from prm.services import Conflict, DomainError
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import is_in_scope
from prm.validators import refuse_control_characters

Cause = TierChange.Cause
TIER_FIELDS = [
    "name",
    "rank",
    "partner_types",
    "min_sales_12m",
    "benefits",
    "rebate_rate_modifier",
    "mdf_eligible",
    "mdf_allocation",
    "deal_protection_discount",
]
MAX_AMOUNT = Decimal("99999999999999.99")


# --- configuration ---------------------------------------------------------------------------------------------


def _require_configurer(actor_membership):
    require(can_configure_tenant(actor_membership), _("Only vendor admins configure the partner program."))


def _clean_tier(fields):
    name = (fields.get("name") or "").strip()
    if not name:
        raise DomainError(_("A tier needs a name."), code="name_required")
    refuse_control_characters(name=name)
    types = sorted(set(fields.get("partner_types") or []))
    unknown = [t for t in types if t not in PartnerOrg.Type.values]
    if unknown:
        raise DomainError(_("'%(type)s' is not a partner type.") % {"type": unknown[0]}, code="invalid_partner_type")
    ranges = {
        "min_sales_12m": (0, MAX_AMOUNT),
        "mdf_allocation": (0, MAX_AMOUNT),
        "deal_protection_discount": (0, 100),
        "rebate_rate_modifier": (-100, 100),
    }
    for field, (bottom, top) in ranges.items():
        value = Decimal(str(fields.get(field) or 0))
        if not bottom <= value <= top:
            raise DomainError(
                _("%(field)s must be between %(min)s and %(max)s.")
                % {"field": field.replace("_", " "), "min": bottom, "max": top},
                code="out_of_range",
            )
    return {**fields, "name": name, "partner_types": types}


@transaction.atomic
def tier_create(*, actor_membership, **fields):
    _require_configurer(actor_membership)
    tier = Tier(**_clean_tier(fields))
    _save_unique(tier)
    record(action="tier.create", actor=actor_membership.user, obj=tier, after=snapshot(tier, TIER_FIELDS))
    return tier


@transaction.atomic
def tier_update(*, actor_membership, tier, **fields):
    _require_configurer(actor_membership)
    locked = Tier.objects.select_for_update().get(pk=tier.pk)
    before = snapshot(locked, TIER_FIELDS)
    for name, value in _clean_tier({**snapshot_values(locked), **fields}).items():
        setattr(locked, name, value)
    _save_unique(locked)
    record(
        action="tier.update",
        actor=actor_membership.user,
        obj=locked,
        before=before,
        after=snapshot(locked, TIER_FIELDS),
    )
    return locked


def snapshot_values(tier):
    return {name: getattr(tier, name) for name in TIER_FIELDS}


def _save_unique(tier):
    try:
        with transaction.atomic():
            tier.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A tier named '%(name)s' exists already.") % {"name": tier.name}, code="duplicate_name"
        ) from exc


@transaction.atomic
def program_settings_update(*, actor_membership, tier_grace_days):
    _require_configurer(actor_membership)
    if not isinstance(tier_grace_days, int) or not 0 <= tier_grace_days <= 730:
        raise DomainError(_("The grace period is 0 to 730 days."), code="out_of_range")
    settings = program_settings(lock=True)
    before = {"tier_grace_days": settings.tier_grace_days}
    settings.tier_grace_days = tier_grace_days
    settings.save(update_fields=["tier_grace_days"])
    record(
        action="program_settings.update",
        actor=actor_membership.user,
        obj=settings,
        before=before,
        after={"tier_grace_days": tier_grace_days},
    )
    return settings


# --- the evaluation --------------------------------------------------------------------------------------------


@dataclass
class Decision:
    """What the evaluation does to one profile: its new state and the history rows that say why."""

    profile: PartnerProfile
    changes: list


def _change(profile, cause, from_tier, to_tier, figures, **extra):
    return TierChange(
        partner_org_id=profile.partner_org_id,
        from_tier=from_tier,
        to_tier=to_tier,
        cause=cause,
        figures={"sales_12m": str(figures.sales_12m), **extra},
    )


def decide(profile, qualified, figures, today, grace_days):
    """The Decision for `profile` whose figures qualify it for `qualified` (None: no tier) on `today`."""
    changes = []
    if profile.override_tier_id and profile.override_until and profile.override_until < today:
        changes.append(_change(profile, Cause.OVERRIDE_ENDED, profile.override_tier, qualified, figures))
        profile.override_tier, profile.override_until, profile.override_reason = None, None, ""
        _set_tier(profile, qualified, today)
        return Decision(profile, changes)
    if profile.override_tier_id:
        return Decision(profile, changes)  # the override holds until its end date
    current = profile.tier
    if _rank(qualified) > _rank(current):
        cause = Cause.FIRST_TIER if current is None else Cause.UPGRADE
        changes.append(_change(profile, cause, current, qualified, figures))
        _set_tier(profile, qualified, today)
    elif _rank(qualified) == _rank(current):
        if profile.grace_until:
            changes.append(_change(profile, Cause.GRACE_CLEARED, current, current, figures))
            profile.pending_tier, profile.grace_until = None, None
    elif profile.grace_until is None and grace_days > 0:
        profile.pending_tier, profile.grace_until = qualified, today + datetime.timedelta(days=grace_days)
        extra = {"grace_until": profile.grace_until.isoformat()}
        changes.append(_change(profile, Cause.GRACE_STARTED, current, qualified, figures, **extra))
    elif profile.grace_until is None or profile.grace_until <= today:
        changes.append(_change(profile, Cause.DOWNGRADE, current, qualified, figures))
        _set_tier(profile, qualified, today)
    else:
        profile.pending_tier = qualified  # still in its grace: the tier it would fall to now
    return Decision(profile, changes)


def _rank(tier):
    return -1 if tier is None else tier.rank


def _set_tier(profile, tier, today):
    profile.tier, profile.tier_since = tier, today
    profile.pending_tier, profile.grace_until = None, None


PROFILE_TIER_FIELDS = ["tier", "tier_since", "pending_tier", "grace_until", "override_tier", "override_until"]


def _tier_state(profile):
    return tuple(getattr(profile, profile._meta.get_field(name).attname) for name in PROFILE_TIER_FIELDS)


@transaction.atomic
def tiers_evaluate(*, actor_membership=None, today=None):
    """Evaluate every active partner of the current tenant (the nightly job: no actor; "re-evaluate now": a vendor
    admin). Idempotent on a day: a second run changes nothing. Returns the TierChange rows written."""
    if actor_membership is not None:
        _require_configurer(actor_membership)
    today = today or tenant_today()
    tiers = list(Tier.objects.all())
    active = PartnerOrg.objects.filter(status=PartnerOrg.Status.ACTIVE)
    orgs = list(active.values_list("pk", "partner_type"))
    selection = active.values_list("pk", flat=True)  # a subquery in each statement, not thousands of parameters
    profiles = _profiles_for(selection)
    figures = tier_figures(selection, today)
    qualified = qualified_tiers(tiers, orgs, figures)
    grace_days = program_settings().tier_grace_days
    by_id = {tier.pk: tier for tier in tiers}
    changes, changed = [], []
    for pk, _type in orgs:
        profile = profiles[pk]
        for field in ("tier", "pending_tier", "override_tier"):  # the tiers already read, not a query each
            setattr(profile, field, by_id.get(getattr(profile, f"{field}_id")))
        before = _tier_state(profile)
        decision = decide(profile, qualified[pk], figures[pk], today, grace_days)
        if _tier_state(profile) != before:
            changed.append(profile)
        changes += decision.changes
    _write_profiles(changed)
    for change in changes:
        change.decided_by = actor_membership
    written = _insert_changes(changes)
    record(
        action="tier.evaluate",
        actor=actor_membership.user if actor_membership else None,
        object_type="partners.tier",
        object_id="evaluation",
        after={"partners": len(orgs), "changes": len(written), "day": today.isoformat()},
    )
    _notify_on_commit(written)
    return written


def _profiles_for(selection):
    """{partner org id: its PartnerProfile} for the partner organisations of `selection` (a queryset of their ids),
    the missing ones created in one statement (one per organisation: the unique key keeps one in a race)."""
    tenant_id = require_current_tenant().pk
    orgs_sql, params = selection.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partners_partnerprofile (id, tenant_id, partner_org_id, website, web_domain, specialisations,"
            " override_reason) SELECT gen_random_uuid(), %s, o.pk, '', '', '{}', ''"
            f" FROM ({orgs_sql}) o (pk) ON CONFLICT (tenant_id, partner_org_id) DO NOTHING",
            [tenant_id, *params],
        )
    return {p.partner_org_id: p for p in PartnerProfile.objects.filter(partner_org_id__in=selection)}


def _write_profiles(profiles):
    """The tier state of `profiles` saved in one UPDATE … FROM unnest(…) (a bulk_update of thousands of rows would
    send a CASE per column and row)."""
    if not profiles:
        return
    columns = [PartnerProfile._meta.get_field(name) for name in [*PROFILE_TIER_FIELDS, "override_reason"]]
    arrays = [[p.pk for p in profiles]] + [[getattr(p, field.attname) for p in profiles] for field in columns]
    types = ["uuid"] + [field.db_type(connection) for field in columns]
    names = ["id"] + [field.column for field in columns]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE partners_partnerprofile p SET {assignments} FROM unnest({unnest}) AS v ({', '.join(names)})"
            " WHERE p.id = v.id AND p.tenant_id = %s",
            [*arrays, require_current_tenant().pk],
        )


def _insert_changes(changes):
    """`changes` written in one INSERT … SELECT FROM unnest(…); returns them with their ids."""
    if not changes:
        return []
    now = timezone.now()
    for change in changes:
        change.id, change.created_at = uuid.uuid4(), now
    columns = ["id", "partner_org_id", "from_tier_id", "to_tier_id", "cause", "decided_by_id", "reason"]
    types = ["uuid", "uuid", "uuid", "uuid", "text", "uuid", "text"]
    arrays = [[getattr(change, column) for change in changes] for column in columns]
    figures = [json.dumps(change.figures) for change in changes]
    unnest = ", ".join(f"%s::{kind}[]" for kind in [*types, "jsonb"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO partners_tierchange (tenant_id, created_at, {', '.join(columns)}, figures)"
            f" SELECT %s, %s, v.* FROM unnest({unnest}) AS v",
            [require_current_tenant().pk, now, *arrays, figures],
        )
    return changes


def _notify_on_commit(changes):
    if not changes:
        return
    from partners.tasks import notify_tier_changes

    tenant_id = str(require_current_tenant().pk)
    ids = [str(change.pk) for change in changes]
    transaction.on_commit(lambda: notify_tier_changes.delay(tenant_id=tenant_id, change_ids=ids), robust=True)


# --- overrides -------------------------------------------------------------------------------------------------


@transaction.atomic
def tier_override(*, actor_membership, partner_org, tier, until, reason):
    """Hold `partner_org` at `tier` until the date `until` (after today), whatever its figures: a reason is
    required. Returns the TierChange."""
    require(
        can_manage_partner_orgs(actor_membership) and is_in_scope(actor_membership, partner_org),
        _("Only vendor admins and the partner's channel managers override its tier."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why (the reason is kept in the tier history)."), code="reason_required")
    if until is None or until <= tenant_today():
        raise DomainError(_("An override ends on a date after today."), code="invalid_until")
    profile = _profiles_for(PartnerOrg.objects.filter(pk=partner_org.pk).values_list("pk", flat=True))[partner_org.pk]
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    change = TierChange.objects.create(
        partner_org=partner_org,
        from_tier=profile.override_tier or profile.tier,
        to_tier=tier,
        cause=Cause.OVERRIDE,
        figures={"until": until.isoformat()},
        decided_by=actor_membership,
        reason=reason,
    )
    profile.override_tier, profile.override_until, profile.override_reason = tier, until, reason
    profile.save(update_fields=["override_tier", "override_until", "override_reason"])
    record(
        action="tier.override",
        actor=actor_membership.user,
        obj=partner_org,
        after={"tier": tier.name, "until": until.isoformat()},
        reason=reason,
    )
    _notify_on_commit([change])
    return change


# --- notifications ---------------------------------------------------------------------------------------------

MESSAGES = {
    Cause.FIRST_TIER: gettext_lazy("%(org)s is now %(to)s"),
    Cause.UPGRADE: gettext_lazy("%(org)s moved up from %(from)s to %(to)s"),
    Cause.DOWNGRADE: gettext_lazy("%(org)s moved from %(from)s to %(to)s"),
    Cause.GRACE_STARTED: gettext_lazy("%(org)s no longer meets %(from)s: it keeps it until %(until)s"),
    Cause.GRACE_CLEARED: gettext_lazy("%(org)s meets the requirements of %(from)s again"),
    Cause.OVERRIDE: gettext_lazy("%(org)s is held at %(to)s until %(until)s"),
    Cause.OVERRIDE_ENDED: gettext_lazy("The tier override of %(org)s ended: it is now %(to)s"),
}


def tier_changes_notify(*, change_ids):
    """Tell each changed partner's admins and its channel manager what changed (the worker, after the run)."""
    from prm.accounts.models import Membership, Role
    from prm.notifications.services import notify

    changes = TierChange.objects.filter(pk__in=change_ids).select_related(
        "partner_org__channel_manager__user", "from_tier", "to_tier"
    )
    for change in changes:
        org = change.partner_org
        admins = Membership.objects.filter(partner_org=org, role=Role.PARTNER_ADMIN, is_active=True)
        recipients = [m.user for m in admins.select_related("user")]
        if org.channel_manager is not None and org.channel_manager.is_active:
            recipients.append(org.channel_manager.user)
        values = {
            "org": org.name,
            "from": change.from_tier or _("no tier"),
            "to": change.to_tier or _("no tier"),
            "until": change.figures.get("grace_until") or change.figures.get("until", ""),
        }
        notify(recipients=recipients, title=str(MESSAGES[change.cause]) % values, link="/")
