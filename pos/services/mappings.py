"""A partner's saved column templates after they are made (imports.column_mapping_save makes one from a job
waiting for a mapping): renamed, changed, deleted. Who may upload the partner's files may manage its templates
(imports.partner_for_upload); every change is audited."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pos.models import ColumnMapping, PosImport
from pos.services.imports import clean_template, partner_for_upload
from prm.audit.services import record
from prm.services import Conflict, DomainError

TEMPLATE_FIELDS = ("name", "columns", "date_format", "decimal_separator", "default_currency")


def _locked(mapping, actor_membership):
    """The template's row, locked; one deleted meanwhile (a concurrent request) is "not found"."""
    locked = ColumnMapping.objects.select_for_update().select_related("partner_org").filter(pk=mapping.pk).first()
    if locked is None:
        raise DomainError(_("This template was deleted."), code="not_found", status=404)
    partner_for_upload(actor_membership, locked.partner_org)
    return locked


def _settings(mapping):
    return {field: getattr(mapping, field) for field in TEMPLATE_FIELDS}


def _refuse_while_loading(mapping):
    """A queued or running job reads the template when it loads: its layout stays as it is until then."""
    if PosImport.objects.filter(
        mapping=mapping, status__in=[PosImport.Status.QUEUED, PosImport.Status.RUNNING]
    ).exists():
        raise Conflict(
            "A file is being loaded with this template; change or delete it once the load is done.",
            code="mapping_in_use",
        )


@transaction.atomic
def column_mapping_update(
    *,
    actor_membership,
    mapping,
    name=None,
    columns=None,
    date_format=None,
    decimal_separator=None,
    default_currency=None,
):
    """Change a template's name or settings (those given; None keeps one). The columns are checked against the
    header the template was made from; later files with that header are read the new way."""
    mapping = _locked(mapping, actor_membership)
    before = _settings(mapping)
    given = {
        "name": name,
        "columns": columns,
        "date_format": date_format,
        "decimal_separator": decimal_separator,
        "default_currency": default_currency,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    if set(changes) - {"name"}:
        _refuse_while_loading(mapping)
    after = clean_template(header=mapping.header, **{**before, **changes})
    for field, value in after.items():
        setattr(mapping, field, value)
    mapping.save(update_fields=list(after))
    record(action="pos_mapping.update", actor=actor_membership.user, obj=mapping, before=before, after=after)
    return mapping


@transaction.atomic
def column_mapping_delete(*, actor_membership, mapping):
    """Delete a template: past imports keep their lines, the next file with its header waits for a mapping."""
    mapping = _locked(mapping, actor_membership)
    _refuse_while_loading(mapping)
    record(
        action="pos_mapping.delete",
        actor=actor_membership.user,
        obj=mapping,
        before={**_settings(mapping), "partner_org": str(mapping.partner_org_id)},
    )
    mapping.delete()
