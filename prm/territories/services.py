"""Every write of territories: the tree and its areas, assignments of partner organisations and staff, and the
limit that confines a staff member to their territories. Vendor admins only (`can_manage_territories`)."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from prm.accounts.models import Role
from prm.accounts.permissions import can_manage_territories, is_vendor_staff, require
from prm.accounts.services import validate_country
from prm.audit.services import record
from prm.services import Conflict, DomainError
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit, TerritoryRule
from prm.territories.selectors import ancestor_ids, forget_limited, normalise_postcode
from prm.validators import refuse_control_characters

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.&-]{0,29}")
PREFIX_PATTERN = re.compile(r"[A-Z0-9]{1,10}")
MAX_AREAS = 1000
EDITABLE_FIELDS = {"name", "code", "parent", "countries", "postcode_prefixes"}


def _require_manager(actor_membership):
    require(can_manage_territories(actor_membership), _("Only vendor admins manage territories."))


def _snapshot(territory, areas):
    return {
        "name": territory.name,
        "code": territory.code,
        "parent": str(territory.parent_id) if territory.parent_id else None,
        "areas": [f"{country}{' ' + prefix if prefix else ''}" for country, prefix in areas],
    }


def _areas_of(territory):
    return sorted(territory.rules.values_list("country", "postcode_prefix"))


def _clean_name_and_code(name, code):
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise DomainError(_("A territory needs a name."), code="name_required")
    if len(name) > 100:
        raise DomainError(_("A territory's name has at most 100 characters."), code="too_long")
    refuse_control_characters(name=name)
    if not CODE_PATTERN.fullmatch(code):
        raise DomainError(
            _("A territory's code has 1 to 30 letters, digits or . _ & - (e.g. EMEA-DACH)."), code="invalid_code"
        )
    return name, code


def _clean_areas(countries, postcode_prefixes):
    """[(country, prefix)] from a list of countries and {country: [prefix, …]}: a country without prefixes is held
    whole, one with prefixes only where its postcodes start with one of them. A prefix's country must be listed."""
    countries = sorted({validate_country(country) for country in countries or ()})
    prefixes = {}
    for country, given in (postcode_prefixes or {}).items():
        country = (country or "").strip().upper()
        if country not in countries:
            raise DomainError(
                _("Postcode prefixes for %(country)s: add the country to the territory first.")
                % {"country": country or _("no country")},
                code="postcode_prefix_without_country",
            )
        for prefix in given:
            normal = normalise_postcode(prefix)
            if not PREFIX_PATTERN.fullmatch(normal):
                raise DomainError(
                    _("'%(prefix)s' is not a postcode prefix (1 to 10 letters or digits).") % {"prefix": prefix},
                    code="invalid_postcode_prefix",
                )
            prefixes.setdefault(country, set()).add(normal)
    areas = [(country, prefix) for country in countries for prefix in sorted(prefixes.get(country, {""}))]
    if len(areas) > MAX_AREAS:
        raise DomainError(
            _("A territory has at most %(max)d countries and prefixes.") % {"max": MAX_AREAS}, code="too_many_areas"
        )
    return areas


def _area_label(country, prefix):
    return _("%(country)s postcodes %(prefix)s…") % {"country": country, "prefix": prefix} if prefix else country


def _store_areas(territory, areas):
    """Replace the territory's rules by `areas`; an area another territory holds is a Conflict naming it."""
    TerritoryRule.objects.filter(territory=territory).delete()
    taken = {
        (rule.country, rule.postcode_prefix): rule.territory
        for rule in TerritoryRule.objects.select_related("territory").filter(
            country__in={country for country, _prefix in areas}
        )
    }
    for area in areas:
        if area in taken:
            raise Conflict(
                _("%(area)s belongs to the territory %(territory)s already.")
                % {"area": _area_label(*area), "territory": taken[area]},
                code="area_taken",
            )
    try:
        with transaction.atomic():
            TerritoryRule.objects.bulk_create(
                TerritoryRule(territory=territory, country=country, postcode_prefix=prefix) for country, prefix in areas
            )
    except IntegrityError as exc:  # taken by a concurrent change since the check above
        raise Conflict(_("One of these areas was just given to another territory."), code="area_taken") from exc


def _save(territory):
    try:
        with transaction.atomic():
            territory.save()
    except IntegrityError as exc:
        if "territory_code_unique_per_tenant" in str(exc):
            message = _("A territory with the code '%(code)s' exists already.") % {"code": territory.code}
            raise Conflict(message, code="duplicate_code") from exc
        message = _("A territory named '%(name)s' exists already.") % {"name": territory.name}
        raise Conflict(message, code="duplicate_name") from exc


def _refuse_cycle(territory, parent):
    """A territory cannot sit below itself. The tenant's territories are locked first, so two concurrent moves
    cannot make a cycle together."""
    if parent is None:
        return
    parents = dict(Territory.objects.select_for_update().values_list("id", "parent_id"))
    if parent.pk == territory.pk or territory.pk in ancestor_ids(parent.pk, parents):
        raise DomainError(
            _("%(parent)s is %(territory)s or lies below it: that would make a cycle.")
            % {"parent": parent, "territory": territory},
            code="cycle",
        )


@transaction.atomic
def territory_create(*, actor_membership, name, code, parent=None, countries=(), postcode_prefixes=None):
    _require_manager(actor_membership)
    name, code = _clean_name_and_code(name, code)
    areas = _clean_areas(countries, postcode_prefixes)
    territory = Territory(name=name, code=code, parent=parent)
    _save(territory)
    _store_areas(territory, areas)
    record(action="territory.create", actor=actor_membership.user, obj=territory, after=_snapshot(territory, areas))
    return territory


@transaction.atomic
def territory_update(*, actor_membership, territory, **changes):
    """Change name, code, parent, countries or postcode prefixes. Countries given without prefixes keep the
    prefixes they had; prefixes given without countries apply to the countries it has."""
    _require_manager(actor_membership)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(
            _("Not an editable field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="invalid_field"
        )
    old_areas = _areas_of(territory)
    before = _snapshot(territory, old_areas)
    territory.name, territory.code = _clean_name_and_code(
        changes.get("name", territory.name), changes.get("code", territory.code)
    )
    if "parent" in changes and changes["parent"] != territory.parent:
        _refuse_cycle(territory, changes["parent"])
        territory.parent = changes["parent"]
    areas = old_areas
    if "countries" in changes or "postcode_prefixes" in changes:
        countries = changes.get("countries", {country for country, _prefix in old_areas})
        old_prefixes = {}
        for country, prefix in old_areas:
            if prefix:
                old_prefixes.setdefault(country, []).append(prefix)
        prefixes = changes.get("postcode_prefixes")
        if prefixes is None:
            kept = {validate_country(country) for country in countries}
            prefixes = {country: given for country, given in old_prefixes.items() if country in kept}
        areas = _clean_areas(countries, prefixes)
    _save(territory)
    if areas != old_areas:
        _store_areas(territory, areas)
    after = _snapshot(territory, areas)
    if after != before:
        record(action="territory.update", actor=actor_membership.user, obj=territory, before=before, after=after)
    return territory


@transaction.atomic
def territory_delete(*, actor_membership, territory):
    """Delete a territory without territories below it; its areas and assignments go with it."""
    _require_manager(actor_membership)
    if Territory.objects.filter(parent=territory).exists():
        raise Conflict(
            _("%(territory)s has territories below it: move or delete them first.") % {"territory": territory},
            code="has_children",
        )
    record(
        action="territory.delete",
        actor=actor_membership.user,
        obj=territory,
        before=_snapshot(territory, _areas_of(territory)),
    )
    territory.delete()


# --- assignments -------------------------------------------------------------------------------------------


@transaction.atomic
def territory_assign_partner_org(*, actor_membership, territory, partner_org):
    _require_manager(actor_membership)
    try:
        with transaction.atomic():
            assignment = PartnerOrgTerritory.objects.create(territory=territory, partner_org=partner_org)
    except IntegrityError as exc:
        raise Conflict(
            _("%(member)s is in %(territory)s already.") % {"member": partner_org, "territory": territory},
            code="already_assigned",
        ) from exc
    record(
        action="territory.assign_partner_org",
        actor=actor_membership.user,
        obj=territory,
        after={"partner_org": str(partner_org.pk), "partner_org_name": partner_org.name},
    )
    return assignment


@transaction.atomic
def territory_unassign_partner_org(*, actor_membership, territory, partner_org):
    _require_manager(actor_membership)
    deleted, _by_model = PartnerOrgTerritory.objects.filter(territory=territory, partner_org=partner_org).delete()
    if not deleted:
        raise Conflict(
            _("%(member)s is not in %(territory)s.") % {"member": partner_org, "territory": territory},
            code="not_assigned",
        )
    record(
        action="territory.unassign_partner_org",
        actor=actor_membership.user,
        obj=territory,
        before={"partner_org": str(partner_org.pk), "partner_org_name": partner_org.name},
    )


def _require_staff(membership):
    if not is_vendor_staff(membership):
        raise DomainError(
            _("%(membership)s is not active vendor staff.") % {"membership": membership}, code="not_vendor_staff"
        )


@transaction.atomic
def territory_assign_staff(*, actor_membership, territory, membership):
    _require_manager(actor_membership)
    _require_staff(membership)
    try:
        with transaction.atomic():
            assignment = StaffTerritory.objects.create(territory=territory, membership=membership)
    except IntegrityError as exc:
        raise Conflict(
            _("%(member)s is in %(territory)s already.") % {"member": membership.user, "territory": territory},
            code="already_assigned",
        ) from exc
    record(
        action="territory.assign_staff",
        actor=actor_membership.user,
        obj=territory,
        after={"membership": str(membership.pk), "email": membership.user.email},
    )
    return assignment


@transaction.atomic
def territory_unassign_staff(*, actor_membership, territory, membership):
    _require_manager(actor_membership)
    deleted, _by_model = StaffTerritory.objects.filter(territory=territory, membership=membership).delete()
    if not deleted:
        raise Conflict(
            _("%(member)s is not in %(territory)s.") % {"member": membership.user, "territory": territory},
            code="not_assigned",
        )
    record(
        action="territory.unassign_staff",
        actor=actor_membership.user,
        obj=territory,
        before={"membership": str(membership.pk), "email": membership.user.email},
    )


@transaction.atomic
def territory_set_assignments(*, actor_membership, territory, partner_orgs=None, staff=None):
    """Make the territory's partner organisations and/or staff exactly these (the API's lists): each one added or
    removed is assigned or unassigned, and audited, as above."""
    _require_manager(actor_membership)
    if partner_orgs is not None:
        current = territory.partner_org_assignments.select_related("partner_org")
        _set(actor_membership, territory, {a.partner_org for a in current}, set(partner_orgs), "partner_org")
    if staff is not None:
        current = territory.staff_assignments.select_related("membership__user")
        _set(actor_membership, territory, {a.membership for a in current}, set(staff), "staff")


def _set(actor_membership, territory, current, wanted, kind):
    assign, unassign = {
        "partner_org": (territory_assign_partner_org, territory_unassign_partner_org),
        "staff": (territory_assign_staff, territory_unassign_staff),
    }[kind]
    argument = "partner_org" if kind == "partner_org" else "membership"
    for added in sorted(wanted - current, key=str):
        assign(actor_membership=actor_membership, territory=territory, **{argument: added})
    for removed in sorted(current - wanted, key=str):
        unassign(actor_membership=actor_membership, territory=territory, **{argument: removed})


# --- limits --------------------------------------------------------------------------------------------------


@transaction.atomic
def territory_limit_create(*, actor_membership, membership):
    """From now on `membership` sees and acts only for the partner organisations of their territories
    (prm.territories.selectors.partner_orgs_in_scope). Vendor admins are not limited: they manage territories."""
    _require_manager(actor_membership)
    _require_staff(membership)
    if membership.role == Role.VENDOR_ADMIN:
        raise DomainError(_("A vendor admin cannot be limited to territories."), code="admin_not_limited")
    try:
        with transaction.atomic():
            limit = TerritoryLimit.objects.create(membership=membership)
            forget_limited(membership)
    except IntegrityError as exc:
        raise Conflict(
            _("%(user)s is limited to their territories already.") % {"user": membership.user}, code="already_limited"
        ) from exc
    record(
        action="territory_limit.create",
        actor=actor_membership.user,
        obj=limit,
        after={"membership": str(membership.pk), "email": membership.user.email},
    )
    return limit


@transaction.atomic
def territory_limit_delete(*, actor_membership, limit):
    _require_manager(actor_membership)
    record(
        action="territory_limit.delete",
        actor=actor_membership.user,
        obj=limit,
        before={"membership": str(limit.membership_id), "email": limit.membership.user.email},
    )
    limit.delete()
    forget_limited(limit.membership)
