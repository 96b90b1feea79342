"""Reads of territories: matching an address, the tree, and which partner organisations a member may reach."""

import re
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Length

from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import VENDOR_ROLES, is_partner, is_vendor_staff
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit, TerritoryRule

POSTCODE_SEPARATORS = re.compile(r"[\s\-]")


def normalise_postcode(value):
    """A postcode (or a prefix of one) as rules store it: upper case, without spaces or hyphens."""
    return POSTCODE_SEPARATORS.sub("", value or "").upper()


def territory_list():
    """The tenant's territories with their areas and assignments (for the API and the pages)."""
    return Territory.objects.prefetch_related(
        "rules",
        Prefetch("partner_org_assignments", PartnerOrgTerritory.objects.select_related("partner_org")),
        Prefetch("staff_assignments", StaffTerritory.objects.select_related("membership__user")),
    ).annotate(partner_org_count=Count("partner_org_assignments", distinct=True))


def territory_tree():
    """Every territory in tree order — each followed by its children, siblings by name — with `depth` set
    (0 for a top-level territory)."""
    children = defaultdict(list)
    for territory in territory_list().order_by("name"):
        children[territory.parent_id].append(territory)
    ordered = []

    def walk(parent_id, depth):
        for territory in children[parent_id]:
            territory.depth = depth
            ordered.append(territory)
            walk(territory.pk, depth + 1)

    walk(None, 0)
    return ordered


def _parents():
    return dict(Territory.objects.values_list("id", "parent_id"))


def ancestor_ids(territory_id, parents=None):
    """The ids of the territories above `territory_id`, nearest first."""
    parents = _parents() if parents is None else parents
    chain, current = [], parents.get(territory_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def with_descendant_ids(territory_ids):
    """`territory_ids` and the ids of every territory below them."""
    children = defaultdict(list)
    for territory_id, parent_id in _parents().items():
        children[parent_id].append(territory_id)
    found, todo = set(), list(territory_ids)
    while todo:
        territory_id = todo.pop()
        if territory_id not in found:
            found.add(territory_id)
            todo.extend(children[territory_id])
    return found


def territories_for(country, postcode=None):
    """The territories holding an address: the most specific first (the rule with the longest postcode prefix
    the postcode starts with, or the country's rule without a prefix), then its ancestors up to the top.
    An empty list when no territory holds it."""
    postcode = normalise_postcode(postcode)
    prefixes = [postcode[:length] for length in range(len(postcode) + 1)]
    rule = (
        TerritoryRule.objects.filter(country=(country or "").upper(), postcode_prefix__in=prefixes)
        .order_by(Length("postcode_prefix").desc())
        .first()
    )
    if rule is None:
        return []
    ids = [rule.territory_id, *ancestor_ids(rule.territory_id)]
    by_id = territory_list().in_bulk(ids)
    return [by_id[territory_id] for territory_id in ids]


LIMITED_ATTRIBUTE = "_territory_limited"  # is_limited's answer, kept on the membership object it was asked about


def is_limited(membership):
    """Whether this staff member is limited to the partner organisations of their territories: asked once per
    membership object (a request's membership is asked by every selector of the page); the limit services forget
    the answer of the membership they change (forget_limited)."""
    if not hasattr(membership, LIMITED_ATTRIBUTE):
        setattr(membership, LIMITED_ATTRIBUTE, TerritoryLimit.objects.filter(membership=membership).exists())
    return getattr(membership, LIMITED_ATTRIBUTE)


def forget_limited(membership):
    membership.__dict__.pop(LIMITED_ATTRIBUTE, None)


def partner_orgs_in_scope(membership):
    """The partner organisations `membership` may see and act for: a partner its own; vendor staff all of them,
    unless limited (`TerritoryLimit`): then those assigned to their territories or the territories below, and
    those they are the channel manager of. Anyone else none."""
    orgs = PartnerOrg.objects.all()
    if is_partner(membership):
        return orgs.filter(pk=membership.partner_org_id)
    if not is_vendor_staff(membership):
        return orgs.none()
    if not is_limited(membership):
        return orgs
    own = StaffTerritory.objects.filter(membership=membership).values_list("territory_id", flat=True)
    assigned = PartnerOrgTerritory.objects.filter(territory_id__in=with_descendant_ids(own))
    return orgs.filter(Q(pk__in=assigned.values("partner_org_id")) | Q(channel_manager=membership))


def within_scope(rows, membership, field="partner_org"):
    """`rows` narrowed, through their partner organisation `field`, to those `membership` may see
    (partner_orgs_in_scope): a partner's own; for vendor staff not limited to territories no filter at all, so a
    query on a large table keeps its plan."""
    if is_partner(membership):
        return rows.filter(**{f"{field}_id": membership.partner_org_id})
    if is_vendor_staff(membership) and not is_limited(membership):
        return rows
    return rows.filter(**{f"{field}__in": partner_orgs_in_scope(membership)})


def is_in_scope(membership, partner_org):
    return partner_orgs_in_scope(membership).filter(pk=partner_org.pk).exists()


def territories_of_partner_org(partner_org):
    return Territory.objects.filter(partner_org_assignments__partner_org=partner_org).order_by("name")


def assignable_staff():
    """The memberships that may be assigned territories and limited to them: active vendor staff."""
    return Membership.objects.select_related("user").filter(role__in=sorted(VENDOR_ROLES), is_active=True)


def territory_limits():
    return TerritoryLimit.objects.select_related("membership__user").order_by("membership__user__email")


def partner_orgs_of(territory, *, viewer):
    """The partner organisations assigned to `territory` that `viewer` may see."""
    return partner_orgs_in_scope(viewer).filter(territory_assignments__territory=territory).order_by("name")


SUGGESTIONS = 20  # names offered at a time by the partner picker (prm.forms.PartnerOrgPicker)


def partner_org_name_suggestions(viewer, text):
    """The names of the first SUGGESTIONS partner organisations in `viewer`'s scope whose name contains `text`
    (any letter case), alphabetically."""
    orgs = partner_orgs_in_scope(viewer).filter(name__icontains=text.strip()).order_by("name")
    return list(orgs.values_list("name", flat=True)[:SUGGESTIONS])
