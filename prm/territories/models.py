"""Territories: a tenant's named sales regions (EMEA-DACH), nestable, made of countries and postcode areas.

A `TerritoryRule` is one area: a country, or a postcode prefix of a country. An area belongs to one territory of
the tenant (the unique key), so a postcode matches exactly one rule per prefix length and the longest prefix is
the most specific territory; its ancestors contain it through the tree. Partner organisations and vendor staff
are assigned territories; a `TerritoryLimit` confines a staff member to the partner organisations of theirs.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel
from prm.validators import no_control_characters


class Territory(TenantModel):
    name = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    code = models.CharField(_("code"), max_length=30, validators=[no_control_characters])
    parent = TenantForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "territories"
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="territory_name_unique_per_tenant"),
            models.UniqueConstraint("tenant", Lower("code"), name="territory_code_unique_per_tenant"),
        ]
        indexes = [models.Index(fields=["tenant", "parent"], name="territory_parent_idx")]

    def __str__(self):
        return self.name

    # What a territory is made of, read from its prefetched rows (prm.territories.selectors.territory_list).
    @property
    def countries(self):
        return sorted({rule.country for rule in self.rules.all()})

    @property
    def postcode_prefixes(self):
        """{country: [prefix, …]} for the countries this territory holds only some postcodes of."""
        prefixes = {}
        for rule in sorted(self.rules.all(), key=lambda r: (r.country, r.postcode_prefix)):
            if rule.postcode_prefix:
                prefixes.setdefault(rule.country, []).append(rule.postcode_prefix)
        return prefixes

    @property
    def postcode_prefix_areas(self):
        return [{"country": c, "prefix": p} for c, prefixes in self.postcode_prefixes.items() for p in prefixes]

    @property
    def assigned_partner_orgs(self):
        return [assignment.partner_org for assignment in self.partner_org_assignments.all()]

    @property
    def assigned_staff(self):
        return [assignment.membership for assignment in self.staff_assignments.all()]


class TerritoryRule(TenantModel):
    """One area of a territory: a whole country (`postcode_prefix` empty) or the postcodes of a country that start
    with `postcode_prefix` (upper case, no spaces)."""

    territory = TenantForeignKey(Territory, on_delete=models.CASCADE, related_name="rules")
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    postcode_prefix = models.CharField(_("postcode prefix"), max_length=10, blank=True, default="")

    class Meta:
        ordering = ["country", "postcode_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "country", "postcode_prefix"], name="territory_area_in_one_territory"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "territory"], name="territory_rule_territory_idx")]

    def __str__(self):
        return f"{self.country} {self.postcode_prefix}".strip()


class PartnerOrgTerritory(TenantModel):
    """A partner organisation assigned to a territory."""

    territory = TenantForeignKey(Territory, on_delete=models.CASCADE, related_name="partner_org_assignments")
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", on_delete=models.CASCADE, related_name="territory_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "territory", "partner_org"], name="partner_org_once_per_territory"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_org"], name="partner_org_territory_org_idx")]


class StaffTerritory(TenantModel):
    """A vendor staff member (a channel manager, an analyst, …) assigned to a territory."""

    territory = TenantForeignKey(Territory, on_delete=models.CASCADE, related_name="staff_assignments")
    membership = TenantForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="territory_assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "territory", "membership"], name="staff_once_per_territory"),
        ]
        indexes = [models.Index(fields=["tenant", "membership"], name="staff_territory_membership_idx")]


class TerritoryLimit(TenantModel):
    """This staff member sees and acts only for the partner organisations of their territories (and of the
    territories below them) and those they are the channel manager of."""

    membership = TenantForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="territory_limit")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "membership"], name="one_territory_limit")]

    def __str__(self):
        return f"{self.membership} limited to their territories"
