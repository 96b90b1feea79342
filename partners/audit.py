"""The partner program's audit actions, object types and fields: what the audit log shows for them
(prm.audit.registry)."""

from django.utils.translation import gettext_lazy


def _application_names(ids):
    from partners.models import PartnerApplication

    return {
        str(pk): name for pk, name in PartnerApplication.objects.filter(pk__in=ids).values_list("pk", "company_name")
    }


def register():
    from prm.accounts.permissions import can_review_applications, is_vendor_staff
    from prm.audit.registry import register_audit_action, register_audit_field, register_audit_object_type

    register_audit_action("partner_application.submit", gettext_lazy("%(object)s applied to become a partner"))
    register_audit_action(
        "partner_application.decide", gettext_lazy("Decided on the partner application of %(object)s")
    )
    for code, label in {
        "tier.create": gettext_lazy("Created tier %(object)s"),
        "tier.update": gettext_lazy("Changed tier %(object)s"),
        "tier.evaluate": gettext_lazy("Evaluated every partner's tier"),
        "tier.override": gettext_lazy("Overrode the tier of %(object)s"),
        "program_settings.update": gettext_lazy("Changed the partner program's settings"),
    }.items():
        register_audit_action(code, label)
    register_audit_object_type(
        "partners.tier", gettext_lazy("tier"), url=lambda _id: _url("partners:tier_list"), allowed=is_vendor_staff
    )
    register_audit_object_type(
        "partners.programsettings",
        gettext_lazy("program settings"),
        url=lambda _id: _url("partners:tier_list"),
        allowed=is_vendor_staff,
    )
    register_audit_field("tier_grace_days", gettext_lazy("Grace period (days)"))
    register_audit_object_type(
        "partners.partnerapplication",
        gettext_lazy("partner application"),
        url="partners:application_detail",
        allowed=can_review_applications,
        names=_application_names,
    )
    # The workflow's transition name repeats what the status before and after say.
    register_audit_field("transition", object_type="partners.partnerapplication", hidden=True)


def _url(name):
    from django.urls import reverse

    return reverse(name)
