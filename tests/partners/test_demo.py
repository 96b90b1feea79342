"""The partner program's demo: applications of each state (the look-alike flagged with both of its matches) and the
partners spread across tiers by their real POS sales, one of them in its downgrade grace period."""

from partners.models import PartnerApplication, PartnerProfile
from partners.selectors import possible_duplicates
from prm.accounts.models import Invitation
from prm.portal.demo import seed_demo
from prm.tenancy.context import tenant_scope


def test_each_demo_vendor_has_applications_to_review_and_partners_across_tiers(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = seed_demo()

    for tenant in created:
        with tenant_scope(tenant):
            by_status = {}
            for application in PartnerApplication.objects.all():
                by_status.setdefault(application.status, []).append(application)
            approved, declined = by_status["approved"][0], by_status["declined"][0]
            matches = possible_duplicates(by_status["submitted"])
            look_alike = next(a for a in by_status["submitted"] if a.company_name.endswith("Inc."))
            held = PartnerProfile.objects.filter(tier__isnull=False)

            assert len(by_status["submitted"]) == 2 and declined.decision_reason
            assert Invitation.objects.filter(email=approved.contact_email, partner_org=approved.partner_org).exists()
            assert {match.kind for match in matches[look_alike.pk]} == {"partner", "application"}
            assert {"Platinum", "Gold", "Silver"} <= set(held.values_list("tier__name", flat=True))
            assert held.filter(grace_until__isnull=False, tier__name="Gold").count() == 1
