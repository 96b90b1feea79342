"""The partner program's own data. `PartnerOrg` stays in the core as the organisation's identity; what the program
knows of it (its profile, later its tier and onboarding) lives here, so the core never learns of programs.

- `PartnerApplication`: what a company sent through the tenant's public "become a partner" page, and the decision.
- `PartnerProfile`: one per partner organisation (unique per tenant and organisation): its web presence and what it
  does, filled from the application on approval; its tier, a downgrade in its grace period, an override.
- `Tier`, `TierChange`, `ProgramSettings`: the tiers the vendor admin configures, the history of every change of a
  partner's tier, the grace period.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import Membership, PartnerOrg
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel
from prm.validators import no_control_characters

SPECIALISATION_LENGTH = 80
MAX_SPECIALISATIONS = 20


def specialisations_field():
    return ArrayField(
        models.CharField(max_length=SPECIALISATION_LENGTH),
        verbose_name=_("specialisations"),
        size=MAX_SPECIALISATIONS,
        default=list,
        blank=True,
    )


class PartnerApplication(TenantModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    company_name = models.CharField(_("company"), max_length=200, validators=[no_control_characters])
    company_key = models.CharField(max_length=200, blank=True, editable=False)  # prm.companies.company_key
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerOrg.Type.choices)
    country = models.CharField(_("country"), max_length=2)
    website = models.CharField(_("website"), max_length=300)
    # The registrable domain of the website (prm.companies.evidence_domain; "" for a free-mail or hosting one):
    # what a possible duplicate is matched on.
    web_domain = models.CharField(max_length=253, blank=True, editable=False)
    specialisations = specialisations_field()
    expected_annual_sales = models.DecimalField(
        _("expected annual sales"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(max_length=3)  # the tenant's reporting currency when it was sent
    contact_name = models.CharField(_("contact name"), max_length=200, validators=[no_control_characters])
    contact_email = models.EmailField(_("contact e-mail"), max_length=254)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_from = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)  # the page's language: the applicant's e-mails use it
    decided_by = TenantForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    partner_org = TenantForeignKey(PartnerOrg, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "status", "-submitted_at"], name="partner_application_queue_idx"),
            models.Index(fields=["tenant", "web_domain"], name="partner_application_domain_idx"),
            models.Index(fields=["tenant", "company_key"], name="partner_application_key_idx"),
        ]

    def __str__(self):
        return self.company_name


class PartnerProfile(TenantModel):
    partner_org = TenantForeignKey(PartnerOrg, on_delete=models.CASCADE, related_name="+")
    website = models.CharField(_("website"), max_length=300, blank=True)
    web_domain = models.CharField(max_length=253, blank=True, editable=False)  # as on PartnerApplication
    specialisations = specialisations_field()
    application = TenantForeignKey(
        PartnerApplication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The tier (partners.services.tiers): the one in force, since when; a downgrade waiting for its grace period's
    # end; a manual override in force until its end date.
    tier = TenantForeignKey("Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    tier_since = models.DateField(null=True, blank=True)
    pending_tier = TenantForeignKey("Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    grace_until = models.DateField(null=True, blank=True)
    override_tier = TenantForeignKey("Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    override_until = models.DateField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "partner_org"], name="partner_profile_one_per_org")]
        indexes = [models.Index(fields=["tenant", "web_domain"], name="partner_profile_domain_idx")]

    def __str__(self):
        return str(self.partner_org)


# --- tiers -----------------------------------------------------------------------------------------------------


class ProgramSettings(TenantModel):
    """The tenant's program settings (one row per tenant, made on first use: partners.selectors.program_settings)."""

    tier_grace_days = models.PositiveIntegerField(
        _("grace period before a downgrade (days)"),
        default=90,
        help_text=_("A partner that no longer meets its tier keeps it this long, told what is missing."),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="program_settings_one_per_tenant")]


class Tier(TenantModel):
    """A level of the program. `rank`: higher is better. `partner_types`: the track it belongs to — the partner types
    it is for; a type no tier names is on the track of the tiers that name none. Requirements and the benefits later
    modules read (rebates, MDF, deal registration) are columns; `benefits` is what partners read. (The certification
    requirements come with the training module of this app.)"""

    name = models.CharField(_("name"), max_length=80, validators=[no_control_characters])
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is better, e.g. Silver 1, Gold 2."))
    partner_types = ArrayField(
        models.CharField(max_length=30, choices=PartnerOrg.Type.choices),
        verbose_name=_("partner types"),
        default=list,
        blank=True,
        help_text=_("The track: the partner types this tier is for (none: every type no other track names)."),
    )
    min_sales_12m = models.DecimalField(
        _("sales in the trailing 12 months"), max_digits=16, decimal_places=2, default=0
    )  # in the tenant's reporting currency
    benefits = models.TextField(_("benefits"), blank=True)
    rebate_rate_modifier = models.DecimalField(
        _("rebate rate modifier (percentage points)"), max_digits=5, decimal_places=2, default=0
    )
    mdf_eligible = models.BooleanField(_("eligible for MDF"), default=False)
    mdf_allocation = models.DecimalField(_("MDF allocation per period"), max_digits=16, decimal_places=2, default=0)
    deal_protection_discount = models.DecimalField(
        _("deal protection discount (%)"), max_digits=5, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="tier_name_unique_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(deal_protection_discount__gte=0, deal_protection_discount__lte=100),
                name="tier_deal_protection_percent",
            ),
            models.CheckConstraint(condition=models.Q(min_sales_12m__gte=0), name="tier_min_sales_not_negative"),
            models.CheckConstraint(condition=models.Q(mdf_allocation__gte=0), name="tier_mdf_not_negative"),
        ]

    def __str__(self):
        return self.name


class TierChange(TenantModel):
    """One change of a partner's tier, or of its downgrade grace or override: from, to, why — the figures that
    decided it —, who (None: the automatic evaluation). Append-only (prm.tenancy.rls; the trigger of its
    migration)."""

    append_only = True

    class Cause(models.TextChoices):
        UPGRADE = "upgrade", _("upgrade")
        DOWNGRADE = "downgrade", _("downgrade after the grace period")
        GRACE_STARTED = "grace_started", _("grace period started")
        GRACE_CLEARED = "grace_cleared", _("requirements met again")
        FIRST_TIER = "first_tier", _("first tier")
        OVERRIDE = "override", _("manual override")
        OVERRIDE_ENDED = "override_ended", _("override ended")

    partner_org = TenantForeignKey(PartnerOrg, on_delete=models.PROTECT, related_name="+")
    from_tier = TenantForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_tier = TenantForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cause = models.CharField(max_length=20, choices=Cause.choices)
    figures = models.JSONField(default=dict)  # {"sales_12m": "…", "grace_until": "…"}
    decided_by = TenantForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "partner_org", "-created_at"], name="tier_change_partner_idx")]
