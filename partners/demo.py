"""The partner program's demo seeder (registered in partners/apps.py; it runs after POS's, whose sales it reads):
- applications of the "become a partner" page in each state — two waiting (one of them a possible duplicate of an
  existing partner and of the other), one approved (its partner organisation and invitation exist), one declined
  with its reason;
- Silver, Gold and Platinum, and a lighter track for referral partners, with the partners spread across them by
  their real POS sales: the best seller Platinum, the second Gold — then the vendor raises Gold's bar, so the second
  is in its downgrade grace period — the others that sold Silver.
All through the services."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from partners.models import PartnerApplication
from partners.selectors import tier_figures
from partners.services.applications import application_approve, application_decline, application_submit
from partners.services.tiers import tier_create, tier_update, tiers_evaluate
from prm.accounts.models import Membership, PartnerOrg, Role
from prm.fiscal import tenant_today
from prm.tenancy.context import require_current_tenant, tenant_scope


def _applicant(company, partner_type, country, website, contact, specialisations, sales):
    return {
        "company_name": company,
        "partner_type": partner_type,
        "country": country,
        "website": website,
        "contact_name": contact,
        "contact_email": f"{contact.split()[0].lower()}@{website.removeprefix('https://').split('/')[0]}",
        "specialisations": specialisations,
        "expected_annual_sales": sales,
    }


def seed_partners_demo(*, admin_membership, seed):
    _seed_applications(admin_membership)
    tenant = require_current_tenant()

    def seed_tiers():  # after POS's demo loads, which run once their uploads commit (queued before this)
        with tenant_scope(tenant):
            _seed_tiers(Membership.objects.get(pk=admin_membership.pk))

    transaction.on_commit(seed_tiers)


def _seed_applications(admin_membership):
    existing = PartnerOrg.objects.order_by("created_at").first()
    waiting = _applicant(
        "Brightpath Solutions Ltd", "reseller", "GB", "https://www.brightpath-solutions.co.uk/", "Priya Shah",
        ["campus networks", "Wi-Fi surveys"], "750000",
    )  # fmt: skip
    look_alike = _applicant(
        f"{existing.name} Inc.", existing.partner_type, existing.country, "brightpath-solutions.co.uk",
        "Tom Becker", ["managed networks"], "2000000",
    )  # fmt: skip  # the name of a partner and the domain of the waiting application: flagged twice
    approved = _applicant(
        "Kestrel Cloud Services", "msp", "IE", "kestrelcloud.ie", "Aoife Byrne", ["managed SD-WAN"], "400000"
    )
    declined = _applicant(
        "QuickDeals Online", "referral", "US", "quickdeals-online.com", "Sam Fox", ["marketplace resale"], None
    )
    for applicant in (declined, approved, look_alike, waiting):
        application_submit(**applicant, submitted_from="192.0.2.10")
    channel_manager = Membership.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("created_at")[0]
    application_approve(
        actor_membership=admin_membership,
        application=PartnerApplication.objects.get(company_name=approved["company_name"]),
        channel_manager=channel_manager,
        reason="Strong managed-services practice in Ireland, where we have no partner yet.",
    )
    application_decline(
        actor_membership=admin_membership,
        application=PartnerApplication.objects.get(company_name=declined["company_name"]),
        reason="We work with resellers who support their customers after the sale; a marketplace does not.",
    )


def _floor(amount):
    return amount.quantize(Decimal("1000"), rounding=ROUND_DOWN) if amount >= 1000 else amount


def _seed_tiers(admin_membership):
    orgs = list(PartnerOrg.objects.filter(status=PartnerOrg.Status.ACTIVE).values_list("pk", flat=True))
    figures = tier_figures(orgs, tenant_today())
    sellers = sorted((f.sales_12m for f in figures.values() if f.sales_12m > 0), reverse=True)
    if len(sellers) < 2:
        return
    tier = {"actor_membership": admin_membership, "partner_types": []}
    tier_create(
        **tier,
        name="Silver",
        rank=1,
        min_sales_12m=Decimal(1),
        benefits="Entry rebates, basic support, the portal's content library.",
    )
    gold = tier_create(
        **tier,
        name="Gold",
        rank=2,
        min_sales_12m=_floor(sellers[1]),
        benefits="Standard rebates, MDF access, deal protection.",
        rebate_rate_modifier=Decimal("0.50"),
        mdf_eligible=True,
        mdf_allocation=Decimal("20000"),
        deal_protection_discount=Decimal("5"),
    )
    tier_create(
        **tier,
        name="Platinum",
        rank=3,
        min_sales_12m=_floor(sellers[0]),
        benefits="Highest rebate rate, MDF priority, early access to new products.",
        rebate_rate_modifier=Decimal("1.00"),
        mdf_eligible=True,
        mdf_allocation=Decimal("50000"),
        deal_protection_discount=Decimal("10"),
    )
    tier_create(
        actor_membership=admin_membership,
        name="Referral Plus",
        rank=1,
        partner_types=[PartnerOrg.Type.REFERRAL],
        min_sales_12m=Decimal(0),
        benefits="Referral fees on registered deals.",
    )
    tiers_evaluate(actor_membership=admin_membership)
    # The vendor raises Gold's bar above the second seller's sales: it keeps Gold through its grace period.
    tier_update(actor_membership=admin_membership, tier=gold, min_sales_12m=_floor(sellers[1]) + 1000)
    tiers_evaluate(actor_membership=admin_membership)
