"""POS's audit actions, object types and fields: what the audit log shows for them (prm.audit.registry)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {
    "pos_import.create": gettext_lazy("Uploaded sales report %(object)s"),
    "pos_import.needs_mapping": gettext_lazy("Sales report %(object)s waits for a column mapping"),
    "pos_import.complete": gettext_lazy("Loaded sales report %(object)s"),
    "pos_import.fail": gettext_lazy("Sales report %(object)s could not be loaded"),
    "pos_import.delete": gettext_lazy("Deleted sales report %(object)s"),
    "pos_mapping.save": gettext_lazy("Saved column mapping %(object)s"),
    "pos_mapping.update": gettext_lazy("Changed column mapping %(object)s"),
    "pos_mapping.delete": gettext_lazy("Deleted column mapping %(object)s"),
    "pos_part_number.create": gettext_lazy("Added partner part number %(object)s"),
}


def _import_names(ids):
    from pos.models import PosImport

    sources = dict(PosImport.Source.choices)
    rows = PosImport.objects.filter(pk__in=ids).values_list("pk", "file__original_name", "source", "partner_org__name")
    return {str(pk): f"{file or sources.get(source, source)} ({partner})" for pk, file, source, partner in rows}


def _mapping_names(ids):
    from pos.models import ColumnMapping

    return {str(pk): name for pk, name in ColumnMapping.objects.filter(pk__in=ids).values_list("pk", "name")}


def _part_number_names(ids):
    from pos.models import PartnerPartNumber

    rows = PartnerPartNumber.objects.filter(pk__in=ids).values_list("pk", "partner_sku", "product__sku")
    return {str(pk): f"{partner_sku} → {sku}" for pk, partner_sku, sku in rows}


def _columns(value):
    """{field: column index (from 0)} → "Invoice number: column 1; …"."""
    from pos.models import Field

    if not isinstance(value, dict):
        return str(value)
    labels = dict(Field.choices)
    parts = []
    for field, column in value.items():
        where = _("column %(number)s") % {"number": column + 1} if isinstance(column, int) else str(column)
        parts.append(f"{labels.get(field, field)}: {where}")
    return "; ".join(parts)


def register():
    from prm.accounts.permissions import is_vendor_staff
    from prm.audit.registry import register_audit_action, register_audit_field, register_audit_object_type

    for code, label in ACTIONS.items():
        register_audit_action(code, label)
    register_audit_object_type(
        "pos.posimport",
        gettext_lazy("sales report"),
        url="pos:import_detail",
        allowed=is_vendor_staff,
        names=_import_names,
    )
    register_audit_object_type(
        "pos.columnmapping",
        gettext_lazy("column mapping"),
        url=lambda _id: _url("pos:mapping_list"),
        allowed=is_vendor_staff,
        names=_mapping_names,
    )
    register_audit_object_type(
        "pos.partnerpartnumber",
        gettext_lazy("partner part number"),
        url=lambda _id: _url("pos:part_numbers"),
        allowed=is_vendor_staff,
        names=_part_number_names,
    )
    fields = {
        "file": gettext_lazy("File"),
        "read": gettext_lazy("Lines read"),
        "accepted": gettext_lazy("Lines accepted"),
        "rejected": gettext_lazy("Lines rejected"),
        "message": gettext_lazy("Message"),
    }
    for key, label in fields.items():
        register_audit_field(key, label, object_type="pos.posimport")
    register_audit_field("code", gettext_lazy("Error code"), object_type="pos.posimport")
    register_audit_field("columns", gettext_lazy("Columns"), object_type="pos.columnmapping", format=_columns)


def _url(name):
    from django.urls import reverse

    return reverse(name)
