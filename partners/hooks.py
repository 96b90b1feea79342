"""What the partner program shows on the home pages (registered in partners/apps.py)."""

from django.urls import reverse
from django.utils.translation import ngettext

from partners.forms import TierOverrideForm
from partners.selectors import tier_status, waiting_application_count
from prm.accounts.permissions import can_manage_partner_orgs, can_review_applications
from prm.modules import ToDo


def vendor_todos(viewer):
    """For reviewers: the applications waiting for a decision."""
    if not can_review_applications(viewer):
        return []
    waiting = waiting_application_count(viewer)
    if not waiting:
        return []
    label = ngettext(
        "%(count)d partner application waits for review",
        "%(count)d partner applications wait for review",
        waiting,
    ) % {"count": waiting}
    return [ToDo(label=label, url=reverse("partners:application_list"), count=waiting, severity="warning")]


def partner_org_tier_panel(viewer, org):
    """The partner organisation page's tier panel (vendor staff): its tier, what the next one needs, the override."""
    return {
        "org": org,
        "status": tier_status(org),
        "may_override": can_manage_partner_orgs(viewer),
        "override_form": TierOverrideForm(),
    }


def partner_tier_card(viewer):
    """The partner's home card: its tier and what the next tier needs."""
    return {"status": tier_status(viewer.partner_org)}
