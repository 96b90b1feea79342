"""The core's audit actions, object types and fields, registered from AuditConfig.ready() (prm.audit.registry).

Each names function answers {id: name} for the ids given that exist in the current tenant, in one query.
"""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.audit.registry import register_audit_action, register_audit_field, register_audit_object_type

CORE_ACTIONS = {
    "tenant.create": _("Created the portal %(object)s"),
    "tenant.branding_update": _("Changed the branding of %(object)s"),
    "tenant.fiscal_calendar_update": _("Changed the fiscal calendar of %(object)s"),
    "partner_org.create": _("Created partner organisation %(object)s"),
    "partner_org.update": _("Changed partner organisation %(object)s"),
    "partner_org.status_change": _("Changed the status of partner organisation %(object)s"),
    "membership.create": _("Gave %(object)s access"),
    "membership.deactivate": _("Removed the access of %(object)s"),
    "membership.reactivate": _("Restored the access of %(object)s"),
    "user.update_profile": _("Changed the profile of %(object)s"),
    "invitation.create": _("Invited %(object)s"),
    "invitation.revoke": _("Revoked the invitation of %(object)s"),
    "invitation.accept": _("Accepted the invitation of %(object)s"),
    "api_token.create": _("Created API token %(object)s"),
    "api_token.revoke": _("Revoked API token %(object)s"),
    "product.create": _("Created product %(object)s"),
    "product.update": _("Changed product %(object)s"),
    "product.import_csv": _("Imported products from a CSV file"),
    "price_list.create": _("Created price list %(object)s"),
    "price.create": _("Added price %(object)s"),
    "territory.create": _("Created territory %(object)s"),
    "territory.update": _("Changed territory %(object)s"),
    "territory.delete": _("Deleted territory %(object)s"),
    "territory.assign_partner_org": _("Added a partner organisation to territory %(object)s"),
    "territory.unassign_partner_org": _("Removed a partner organisation from territory %(object)s"),
    "territory.assign_staff": _("Added a staff member to territory %(object)s"),
    "territory.unassign_staff": _("Removed a staff member from territory %(object)s"),
    "territory_limit.create": _("Limited %(object)s to their territories"),
    "territory_limit.delete": _("Lifted the territory limit of %(object)s"),
    "cadence.create": _("Created reporting cadence %(object)s"),
    "cadence.update": _("Changed reporting cadence %(object)s"),
    "cadence.delete": _("Deleted reporting cadence %(object)s"),
    "fx_rate.create": _("Added FX rate %(object)s"),
    "fx_rate.create_many": _("Imported FX rates"),
    "ledger.posting": _("Recorded ledger posting %(object)s"),
}


def _model(label):
    return apps.get_model(label)


def _current_tenant_names(ids):
    from prm.tenancy.context import require_current_tenant

    tenant = require_current_tenant()
    return {str(tenant.pk): tenant.name} if str(tenant.pk) in ids else {}


def _user_names(ids):
    # Users are shared by every portal: only those with a membership here (the tenant-scoped manager) are named.
    rows = _model("accounts.membership").objects.filter(user_id__in=ids)
    fields = ("user_id", "user__full_name", "user__email")
    return {str(uid): name or email for uid, name, email in rows.values_list(*fields)}


def _membership_names(ids):
    rows = _model("accounts.membership").objects.filter(pk__in=ids)
    return {str(pk): name or email for pk, name, email in rows.values_list("pk", "user__full_name", "user__email")}


def _territory_limit_names(ids):
    rows = _model("territories.territorylimit").objects.filter(pk__in=ids)
    fields = ("pk", "membership__user__full_name", "membership__user__email")
    return {str(pk): name or email for pk, name, email in rows.values_list(*fields)}


def _values_names(label, *fields, join=" — "):
    """names(ids) from `fields` of model `label`, joined."""

    def names(ids):
        rows = _model(label).objects.filter(pk__in=ids).values_list("pk", *fields)
        return {str(pk): join.join(str(value) for value in values if value not in (None, "")) for pk, *values in rows}

    return names


def _price_names(ids):
    from prm.money import format_money

    rows = _model("catalog.price").objects.filter(pk__in=ids)
    fields = ("pk", "product__sku", "amount", "price_list__currency", "valid_from")
    return {
        str(pk): f"{sku} {format_money(amount, currency)} ({valid_from:%Y-%m-%d})"
        for pk, sku, amount, currency, valid_from in rows.values_list(*fields)
    }


def _fx_rate_names(ids):
    rows = _model("ledger.fxrate").objects.filter(pk__in=ids)
    fields = ("pk", "base_currency", "rate", "quote_currency", "valid_from")
    return {
        str(pk): f"1 {base} = {rate.normalize():f} {quote} ({valid_from:%Y-%m-%d})"
        for pk, base, rate, quote, valid_from in rows.values_list(*fields)
    }


def _posting_names(ids):
    from prm.money import format_money

    rows = _model("ledger.posting").objects.filter(pk__in=ids)
    fields = ("pk", "partner_org__name", "amount", "currency")
    return {
        str(pk): f"{org}: {format_money(amount, currency)}" for pk, org, amount, currency in rows.values_list(*fields)
    }


def _cadence_names(ids):
    # str(cadence) reads only the row (its choices' labels): one query for all.
    return {str(c.pk): str(c) for c in _model("cadences.reportingcadence").objects.filter(pk__in=ids)}


def register_core():
    from prm.accounts.models import Role
    from prm.accounts.permissions import can_configure_tenant, can_manage_fx_rates, is_vendor_staff
    from prm.ledger.models import Bucket

    for code, label in CORE_ACTIONS.items():
        register_audit_action(code, label)

    def branding_page(_id):
        return reverse("portal:branding")

    def fx_rates_page(_id):
        return reverse("ledger:fx_rate_list")

    names = _values_names
    kinds = [  # (object type, label, page, who may open it, names)
        ("tenancy.tenant", _("portal"), branding_page, can_configure_tenant, _current_tenant_names),
        ("accounts.partnerorg", _("partner organisation"), "accounts:partner_org_detail", is_vendor_staff, None),
        ("accounts.membership", _("member"), None, None, _membership_names),
        ("accounts.user", _("user"), None, None, _user_names),
        ("accounts.invitation", _("invitation"), None, None, names("accounts.invitation", "email")),
        ("accounts.apitoken", _("API token"), None, None, names("accounts.apitoken", "name")),
        ("catalog.product", _("product"), "catalog:product_detail", is_vendor_staff, None),
        ("catalog.pricelist", _("price list"), None, None, names("catalog.pricelist", "name", "currency", join=" ")),
        ("catalog.price", _("price"), None, None, _price_names),
        ("territories.territory", _("territory"), "territories:territory_detail", is_vendor_staff, None),
        ("territories.territorylimit", _("territory limit"), None, None, _territory_limit_names),
        ("cadences.reportingcadence", _("reporting cadence"), "cadences:cadence_edit", can_configure_tenant, None),
        ("ledger.fxrate", _("FX rate"), fx_rates_page, can_manage_fx_rates, _fx_rate_names),
        ("ledger.posting", _("ledger posting"), None, None, _posting_names),
        ("files.storedfile", _("file"), None, None, names("files.storedfile", "original_name")),
    ]
    names_of = {
        "accounts.partnerorg": names("accounts.partnerorg", "name"),
        "catalog.product": names("catalog.product", "sku", "name"),
        "territories.territory": names("territories.territory", "name"),
        "cadences.reportingcadence": _cadence_names,
    }
    for object_type, label, url, allowed, lookup in kinds:
        register_audit_object_type(object_type, label, url=url, allowed=allowed, names=lookup or names_of[object_type])

    fields = {
        "name": _("Name"),
        "sku": _("SKU"),
        "family": _("Family"),
        "active": _("Active"),
        "partner_type": _("Partner type"),
        "country": _("Country"),
        "status": _("Status"),
        "role": _("Role"),
        "is_active": _("Active"),
        "email": _("E-mail"),
        "full_name": _("Full name"),
        "code": _("Code"),
        "areas": _("Areas"),
        "report_kind": _("Report"),
        "frequency": _("Frequency"),
        "day_of_month": _("Day of the month"),
        "weekday": _("Weekday"),
        "days_after_quarter_end": _("Days after the quarter's end"),
        "portal_name": _("Portal name"),
        "primary_colour": _("Primary colour"),
        "accent_colour": _("Accent colour"),
        "email_sender_name": _("E-mail sender name"),
        "email_sender_address": _("E-mail sender address"),
        "fiscal_year_start_month": _("Fiscal year starts in month"),
        "slug": _("Address"),
        "currency": _("Currency"),
        "amount": _("Amount"),
        "price_list": _("Price list"),
        "product": _("Product"),
        "valid_from": _("Valid from"),
        "base_currency": _("Base currency"),
        "quote_currency": _("Quote currency"),
        "rate": _("Rate"),
        "source": _("Source"),
        "kind": _("Kind"),
        "transfer": _("Transfer"),
        "revision": _("Revision"),
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
        "with_partner_org": _("With the partner organisation"),
    }
    for key, label in fields.items():
        register_audit_field(key, label)
    register_audit_field("partner_org", _("Partner organisation"), refers_to="accounts.partnerorg")
    register_audit_field("channel_manager", _("Channel manager"), refers_to="accounts.membership")
    register_audit_field("membership", _("Staff member"), refers_to="accounts.membership")
    register_audit_field("user", _("User"), refers_to="accounts.user")
    territory = "territories.territory"
    register_audit_field("parent", _("Parent territory"), object_type=territory, refers_to=territory)
    register_audit_field("logo", _("Logo"), object_type="tenancy.tenant", refers_to="files.storedfile")
    register_audit_field("role", _("Role"), choices=dict(Role.choices))
    buckets = dict(Bucket.choices)
    register_audit_field("from", pgettext_lazy("ledger bucket", "From"), object_type="ledger.posting", choices=buckets)
    register_audit_field("to", pgettext_lazy("ledger bucket", "To"), object_type="ledger.posting", choices=buckets)
    # Bookkeeping the log does not show: the workflow's transition (the action and the status say it), the partner's
    # name beside its id (shown by name already).
    register_audit_field("transition", hidden=True)
    register_audit_field("partner_org_name", hidden=True)
