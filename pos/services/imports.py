"""POS use cases: upload a file, map its columns, run the load, send lines as JSON, recover stalled jobs."""

import hashlib
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pos.apps import IMPORT_FILE_PURPOSE
from pos.models import REQUIRED_FIELDS, ColumnMapping, DateFormat, DecimalSeparator, Field, PosImport, PosReject
from pos.selectors import progress_key
from pos.services import pipeline
from pos.services.reading import FileUnreadable, Layout, csv_rows, detect_csv, detect_xlsx, xlsx_rows
from pos.signals import announce_lines_loaded
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import can_act_for_any_partner, can_send_partner_data, is_partner, require
from prm.audit.services import record
from prm.files.services import stored_file_create, stored_file_open
from prm.files.validation import UploadRejected, sniff
from prm.notifications.services import notify
from prm.services import Conflict, DomainError
from prm.tenancy.context import require_current_tenant
from prm.tenancy.services import validate_currency
from prm.territories.selectors import is_in_scope
from prm.validators import refuse_control_characters

logger = logging.getLogger(__name__)

API_MAX_LINES = 10_000
NOTIFIED_NAME_LENGTH = 60  # a file or partner name in a notification title (at most 200 characters) is cut there
PROGRESS_TTL = 24 * 3600
# A queued job whose lock is free is sent again once this long after it was last sent (its message may be lost).
STALLED_AFTER = timedelta(minutes=10)
# Loads of one job started at most this many times (a worker died or a transient error each time): then it fails.
MAX_ATTEMPTS = 5
TOO_MANY_ATTEMPTS = (
    f"The load was started {MAX_ATTEMPTS} times and never finished; nothing was loaded. "
    "Upload the file again; if it stops again, the portal's team has the details."
)

REJECT_REASONS = {
    "wrong_column_count": gettext_lazy("The line does not have as many columns as the header."),
    "missing_currency": gettext_lazy("The currency is missing and the template has no default currency."),
    "value_too_long": gettext_lazy("A value is too long (invoice number and SKU: 64 characters, names: 200)."),
    "invalid_date": gettext_lazy("The invoice date is not a real date in the template's date format."),
    "invalid_quantity": gettext_lazy("The quantity is not a whole number."),
    "zero_quantity": gettext_lazy("The quantity is zero."),
    "invalid_unit_price": gettext_lazy("The unit price is not a positive number."),
    "invalid_currency": gettext_lazy("The currency is not an ISO 4217 code."),
    "unknown_sku": gettext_lazy("The SKU is neither a catalogue SKU nor one of the partner's part numbers."),
    "inactive_product": gettext_lazy("The product is not active any more."),
    "unknown_country": gettext_lazy("The end customer's country is not recognised."),
    "duplicate_in_file": gettext_lazy("The same line appears earlier in this file."),
    "duplicate_of_loaded_line": gettext_lazy("This line was loaded already, from an earlier file."),
}
MISSING_FIELD_CODES = {f"missing_{f.value}": f for f in REQUIRED_FIELDS}  # reject codes of required fields


def reject_reason_text(code):
    if code in MISSING_FIELD_CODES:
        return _("%(field)s is missing.") % {"field": MISSING_FIELD_CODES[code].label}
    return str(REJECT_REASONS.get(code, code))


def header_signature(header):
    return hashlib.sha256("\x1f".join(h.strip().lower() for h in header).encode()).hexdigest()


# --- progress (kept in the cache: the load's own transaction is invisible until it commits) ----------------


class ImportProgress:
    """Writes the running job's progress to the cache: a new phase or new counts of valid and rejected lines at
    once, the running byte and line counts of the reading at most twice a second."""

    def __init__(self, import_id, total_bytes):
        self.key = progress_key(import_id)
        self.state = {"phase": "reading", "bytes_read": 0, "total_bytes": total_bytes, "lines_read": 0}
        self.last_write = 0.0
        cache.set(self.key, self.state, PROGRESS_TTL)

    def __call__(self, **changes):
        phase_changed = "phase" in changes and changes["phase"] != self.state["phase"]
        counts_known = "lines_valid" in changes
        self.state.update(changes)
        now = time.monotonic()
        if phase_changed or counts_known or now - self.last_write > 0.5:
            self.last_write = now
            cache.set(self.key, self.state, PROGRESS_TTL)


# --- upload and mapping ------------------------------------------------------------------------------------


def partner_for_upload(actor_membership, partner_org):
    """The organisation whose data `actor_membership` sends: a partner's own, or the one vendor staff chose."""
    if is_partner(actor_membership):
        if partner_org is not None and partner_org.pk != actor_membership.partner_org_id:
            raise DomainError(_("You can upload only your own organisation's sales."), code="forbidden", status=403)
        return actor_membership.partner_org
    if not can_act_for_any_partner(actor_membership):
        raise DomainError(_("Your role may not upload sales reports."), code="forbidden", status=403)
    if partner_org is None:
        raise DomainError(_("Choose the partner whose sales these are."), code="partner_required")
    if partner_org.status != PartnerOrg.Status.ACTIVE:
        raise DomainError(
            _("%(partner)s is not an active partner.") % {"partner": partner_org.name}, code="inactive_partner"
        )
    require(is_in_scope(actor_membership, partner_org), _("This partner organisation is outside your territories."))
    return partner_org


def _detect(upload, kind):
    upload.seek(0)
    try:
        return detect_csv(upload) if kind == "csv" else detect_xlsx(upload)
    except FileUnreadable as exc:
        raise DomainError(exc.message, code=exc.code) from exc
    finally:
        upload.seek(0)


@transaction.atomic
def pos_import_create(*, actor_membership, upload, partner_org=None, mapping=None):
    """Accept a sales-out file for a partner. Returns the job: queued when a template applies (the given
    `mapping`, else the partner's template for this header), else waiting for a mapping."""
    partner_org = partner_for_upload(actor_membership, partner_org)
    try:
        sniffed = sniff(upload, allowed={"csv", "xlsx"}, max_bytes=settings.PRM_POS_UPLOAD_MAX_BYTES)
    except UploadRejected as exc:
        raise exc.as_domain_error() from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    _refuse_same_file(partner_org, sha)
    layout = _detect(upload, sniffed.kind)
    signature = header_signature(layout.header)
    if mapping is not None and (mapping.partner_org_id != partner_org.pk or mapping.header_signature != signature):
        raise DomainError(_("That template was made for another partner or another file layout."), code="wrong_mapping")
    mapping = mapping or ColumnMapping.objects.filter(partner_org=partner_org, header_signature=signature).first()
    stored = stored_file_create(
        upload=upload,
        purpose=IMPORT_FILE_PURPOSE,
        allowed={"csv", "xlsx"},
        uploaded_by=actor_membership.user,
        partner_org=partner_org,
        max_bytes=settings.PRM_POS_UPLOAD_MAX_BYTES,
    )
    try:
        with transaction.atomic():
            pos_import = PosImport.objects.create(
                partner_org=partner_org,
                file=stored,
                file_kind=layout.kind,
                file_sha256=sha,
                encoding=layout.encoding,
                delimiter=layout.delimiter if layout.kind == "csv" else "",
                header=layout.header,
                mapping=mapping,
                status=PosImport.Status.QUEUED if mapping else PosImport.Status.NEEDS_MAPPING,
                uploaded_by=actor_membership.user,
                language=translation.get_language() or "",
            )
    except IntegrityError as exc:  # the same file, uploaded at the same moment by another request
        if "pos_import_same_file_once" not in str(exc):
            raise
        _refuse_same_file(partner_org, sha)  # the other upload has committed: refused, saying when
        raise Conflict(_("This file was already uploaded; nothing changed."), code="duplicate_file") from exc
    record(
        action="pos_import.create",
        actor=actor_membership.user,
        obj=pos_import,
        after={"file": stored.original_name, "partner_org": str(partner_org.pk), "status": pos_import.status},
    )
    if mapping is not None:
        _queue(pos_import)
    return pos_import


def _refuse_same_file(partner_org, sha):
    """A file whose bytes the partner already sent (a failed job aside) changes nothing: refused, saying when.
    The unique constraint pos_import_same_file_once backs this up for two uploads at the same moment."""
    earlier = (
        PosImport.objects.filter(partner_org=partner_org, file_sha256=sha)
        .exclude(status=PosImport.Status.FAILED)
        .first()
    )
    if earlier is not None:
        message = _("This file was already uploaded on %(when)s UTC; nothing changed.") % {
            "when": f"{earlier.created_at:%Y-%m-%d %H:%M}"
        }
        raise Conflict(message, code="duplicate_file")


def _queue(pos_import):
    from pos.tasks import run_pos_import

    tenant_id, import_id = str(pos_import.tenant_id), str(pos_import.pk)
    transaction.on_commit(lambda: run_pos_import.delay(tenant_id=tenant_id, import_id=import_id))


def _clean_columns(columns, header, default_currency):
    cleaned = {}
    used = {}
    for field, index in columns.items():
        if index in (None, ""):
            continue
        if field not in Field.values:
            raise DomainError(_("'%(field)s' is not a field of a sales line.") % {"field": field}, code="invalid_field")
        try:
            index = int(index)
        except (TypeError, ValueError) as exc:
            raise DomainError(
                _("Column '%(column)s' is not a column number.") % {"column": index}, code="invalid_column"
            ) from exc
        if not 0 <= index < len(header):
            raise DomainError(_("The file has no column %(number)d.") % {"number": index + 1}, code="invalid_column")
        if index in used:
            raise DomainError(
                _("Column “%(column)s” is mapped twice (%(first)s, %(second)s).")
                % {"column": header[index], "first": Field(used[index]).label, "second": Field(field).label},
                code="column_mapped_twice",
            )
        used[index] = field
        cleaned[field] = index
    missing = [f for f in REQUIRED_FIELDS if f.value not in cleaned]
    if Field.CURRENCY.value not in cleaned and not default_currency:
        missing.append(Field.CURRENCY)
    if missing:
        raise DomainError(
            _("Map these fields: %(fields)s.") % {"fields": ", ".join(str(Field(f).label) for f in missing)},
            code="fields_unmapped",
        )
    return cleaned


def clean_template(*, header, name, columns, date_format, decimal_separator, default_currency):
    """A template's settings checked against the file header it maps: the model fields to store, or a
    DomainError naming the first problem. Saving a template from a job and changing one both use it."""
    if date_format not in DateFormat.values:
        raise DomainError(
            _("'%(format)s' is not a supported date format.") % {"format": date_format}, code="invalid_date_format"
        )
    if decimal_separator not in DecimalSeparator.values:
        raise DomainError(
            _("'%(separator)s' is not a decimal separator.") % {"separator": decimal_separator},
            code="invalid_decimal_separator",
        )
    default_currency = (default_currency or "").strip()
    default_currency = validate_currency(default_currency) if default_currency else ""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise DomainError(_("A template's name has 1 to 100 characters."), code="invalid_name")
    refuse_control_characters(name=name)
    if not isinstance(columns, dict):
        raise DomainError(_("Columns are given as {field: column number}."), code="invalid_column")
    return {
        "name": name,
        "columns": _clean_columns(columns, header, default_currency),
        "date_format": date_format,
        "decimal_separator": decimal_separator,
        "default_currency": default_currency,
    }


@transaction.atomic
def column_mapping_save(
    *, actor_membership, pos_import, name, columns, date_format, decimal_separator, default_currency=""
):
    """Save the partner's template for this file's header (replacing an older one) and queue the job. Who may
    upload the partner's files may map them."""
    pos_import = PosImport.objects.select_for_update().select_related("partner_org").get(pk=pos_import.pk)
    partner_for_upload(actor_membership, pos_import.partner_org)
    actor = actor_membership.user
    if pos_import.status != PosImport.Status.NEEDS_MAPPING:
        raise Conflict(_("This import is not waiting for a mapping."), code="not_waiting_for_mapping")
    template = clean_template(
        header=pos_import.header,
        name=(name or "").strip() or (_("%(partner)s template") % {"partner": pos_import.partner_org.name})[:100],
        columns=columns,
        date_format=date_format,
        decimal_separator=decimal_separator,
        default_currency=default_currency,
    )
    mapping, _created = ColumnMapping.objects.update_or_create(
        partner_org=pos_import.partner_org,
        header_signature=header_signature(pos_import.header),
        defaults={**template, "header": pos_import.header, "created_by": actor},
    )
    pos_import.mapping = mapping
    pos_import.status = PosImport.Status.QUEUED
    pos_import.save(update_fields=["mapping", "status"])
    record(action="pos_mapping.save", actor=actor, obj=mapping, after=template)
    _queue(pos_import)
    return mapping


@transaction.atomic
def pos_import_delete(*, actor_membership, pos_import):
    """Delete a job waiting for a mapping (nothing was loaded from it) and its stored file, which leaves the storage
    once the deletion commits. Who may upload the partner's files may delete them; a job in any other state stays
    (Conflict `not_waiting_for_mapping`): its lines, rejects and history are the partner's record."""
    pos_import = PosImport.objects.select_for_update().filter(pk=pos_import.pk).first()
    if pos_import is None:
        raise DomainError(_("This file was deleted."), code="not_found", status=404)
    require(
        can_send_partner_data(actor_membership) and is_in_scope(actor_membership, pos_import.partner_org),
        _("You may not delete this partner's files."),
    )
    if pos_import.status != PosImport.Status.NEEDS_MAPPING:
        raise Conflict(
            _("Only a file waiting for a column mapping can be deleted; this one is “%(status)s”.")
            % {"status": pos_import.get_status_display()},
            code="not_waiting_for_mapping",
        )
    stored = pos_import.file
    record(
        action="pos_import.delete",
        actor=actor_membership.user,
        obj=pos_import,
        before={
            "file": stored.original_name,
            "partner_org": str(pos_import.partner_org_id),
            "status": pos_import.status,
        },
    )
    pos_import.delete()
    stored.delete()
    transaction.on_commit(lambda: default_storage.delete(stored.storage_path))


# --- the load ----------------------------------------------------------------------------------------------


def _spec(pos_import, n_columns, columns, mapping):
    return pipeline.LoadSpec(
        tenant_id=pos_import.tenant_id,
        partner_org_id=pos_import.partner_org_id,
        import_id=pos_import.pk,
        n_columns=n_columns,
        columns=columns,
        date_format=mapping.date_format,
        decimal_separator=mapping.decimal_separator,
        default_currency=mapping.default_currency,
    )


def _load(pos_import, progress):
    """Stage the file and load it. A CSV file PostgreSQL cannot COPY as it is is re-read row by row."""
    layout = Layout(
        pos_import.file_kind, pos_import.header, pos_import.encoding or "utf-8", pos_import.delimiter or ","
    )
    n_columns = len(layout.header)
    workspace = pipeline.Workspace(connection.cursor().cursor, pos_import.pk)
    pipeline.create_stage(workspace, n_columns)
    with stored_file_open(pos_import.file) as handle:
        if layout.kind == "csv":
            savepoint = transaction.savepoint()
            if pipeline.copy_raw_csv(handle, layout, n_columns, progress, workspace):
                transaction.savepoint_commit(savepoint)
            else:
                transaction.savepoint_rollback(savepoint)
                handle.seek(0)
                pipeline.copy_rows(workspace, csv_rows(handle, layout), n_columns, progress, strict_width=True)
        else:
            pipeline.copy_rows(workspace, xlsx_rows(handle, layout), n_columns, progress, strict_width=False)
    spec = _spec(pos_import, n_columns, pos_import.mapping.columns, pos_import.mapping)
    return pipeline.validate_and_load(spec, workspace, progress)


def _no_progress(**_):
    pass


# A job's advisory lock: key hashtextextended(_job_lock_name(id), 42). pg_locks shows a 64-bit key as two
# 32-bit halves.
JOB_LOCK_HELD_SQL = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks l, (SELECT hashtextextended(%s, 42) AS k) job
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = ((job.k >> 32) & 4294967295) AND l.objid::bigint = (job.k & 4294967295)
)"""


def _job_lock_name(import_id):
    return f"pos-import:{import_id}"


def _job_is_being_loaded(import_id):
    """Whether a session holds the job's lock right now: a worker is loading it."""
    with connection.cursor() as cursor:
        cursor.execute(JOB_LOCK_HELD_SQL, [_job_lock_name(import_id)])
        return cursor.fetchone()[0]


TRY_JOB_LOCK_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 42))"


@contextmanager
def _job_lock(import_id):
    """Yields whether this delivery holds the job's lock (only one delivery loads a job), tried without waiting.
    It is taken on a connection of its own, in a transaction kept open until the load is over, so that the claim
    commits while the lock is held (a transaction-level lock: safe behind a transaction-pooling PgBouncer). Let go
    when the load ends, or when its worker dies: PostgreSQL ends an idle session whose client is gone at once."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(TRY_JOB_LOCK_SQL, [_job_lock_name(import_id)])
            yield cursor.fetchone()[0]
    finally:
        holder.close()


def _lock_partner(partner_org_id):
    """One partner's loads run one after the other (duplicates are found against committed lines)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 42))", [f"pos-partner:{partner_org_id}"])


def _finish(pos_import, result):
    pos_import.lines_read = result.lines_read
    pos_import.lines_accepted = result.lines_accepted
    pos_import.lines_rejected = result.lines_rejected
    pos_import.reject_reasons = result.reject_reasons
    pos_import.first_sale_date, pos_import.last_sale_date = result.date_from, result.date_to
    pos_import.status = PosImport.Status.COMPLETED
    pos_import.finished_at = timezone.now()
    pos_import.save(
        update_fields=[
            "lines_read",
            "lines_accepted",
            "lines_rejected",
            "reject_reasons",
            "first_sale_date",
            "last_sale_date",
            "status",
            "finished_at",
        ]
    )
    record(
        action="pos_import.complete",
        obj=pos_import,
        after={"read": result.lines_read, "accepted": result.lines_accepted, "rejected": result.lines_rejected},
    )
    if result.lines_accepted:
        announce_lines_loaded(pos_import=pos_import, date_from=result.date_from, date_to=result.date_to)


def _fail(import_id, code, message):
    with transaction.atomic():
        pos_import = PosImport.objects.select_for_update().get(pk=import_id)
        pos_import.status = PosImport.Status.FAILED
        pos_import.error_code, pos_import.error_message = code, message
        pos_import.finished_at = timezone.now()
        pos_import.save(update_fields=["status", "error_code", "error_message", "finished_at"])
        record(action="pos_import.fail", obj=pos_import, after={"code": code, "message": message})
        _tell_uploader(pos_import)


def _tell_uploader(pos_import):
    """Notify the uploader, in the language they uploaded in, how the job ended — loaded, failed, or waiting for a
    mapping again — naming the partner and the file."""
    if pos_import.uploaded_by is None:
        return
    with translation.override(pos_import.language or require_current_tenant().default_language):
        title, body = _job_outcome(pos_import)
    notify(recipients=[pos_import.uploaded_by], title=title, body=body, link=f"/pos/imports/{pos_import.pk}/")


def _job_outcome(pos_import):
    """The title and body of the notification about how the job ended."""
    names = {
        "file": Truncator(pos_import.file.original_name).chars(NOTIFIED_NAME_LENGTH),
        "partner": Truncator(pos_import.partner_org.name).chars(NOTIFIED_NAME_LENGTH),
    }
    if pos_import.status == PosImport.Status.COMPLETED:
        counts = {
            "accepted": number_format(pos_import.lines_accepted, force_grouping=True),
            "rejected": number_format(pos_import.lines_rejected, force_grouping=True),
        }
        title = _("Sales report “%(file)s” of %(partner)s loaded: %(accepted)s lines accepted, %(rejected)s rejected")
        body = _("Its page lists the rejected lines and why; correct them and send them again.")
        return title % {**names, **counts}, body if pos_import.lines_rejected else ""
    if pos_import.status == PosImport.Status.NEEDS_MAPPING:
        title = _("Sales report “%(file)s” of %(partner)s waits for a column mapping")
        body = _("Its column template was deleted before the file was loaded: map its columns on its page.")
        return title % names, body
    return _("Sales report “%(file)s” of %(partner)s failed: nothing was loaded") % names, pos_import.error_message


def pos_import_run(*, import_id):
    """Load a queued job (the Celery task calls this). Idempotent: a delivery first tries the job's lock; one that
    finds it taken is a duplicate (a live session is loading the job) and leaves the job alone. Under the lock, a
    finished job is left alone and a job whose worker died is loaded again from the start (its transaction never
    committed). Returns the job, or None when there was nothing to do."""
    with _job_lock(import_id) as held:
        if not held:
            return None
        pos_import = _claim(import_id)
        return None if pos_import is None else _load_claimed(pos_import)


def _claim(import_id):
    """Under the job's lock: a queued or running job becomes running, one attempt more (each attempt is a load that
    started). None when there is nothing to load: the job is finished, failed for too many attempts, or waits for
    a mapping again (its template was deleted)."""
    pos_import = (
        PosImport.objects.select_related("mapping", "file", "uploaded_by")
        .filter(pk=import_id, status__in=[PosImport.Status.QUEUED, PosImport.Status.RUNNING])
        .first()
    )
    if pos_import is None:
        return None
    if pos_import.attempts >= MAX_ATTEMPTS:
        _fail(import_id, "too_many_attempts", TOO_MANY_ATTEMPTS)
        return None
    if pos_import.mapping is None:
        pos_import.status = PosImport.Status.NEEDS_MAPPING
        pos_import.save(update_fields=["status"])
        record(action="pos_import.needs_mapping", obj=pos_import, after={"status": pos_import.status})
        _tell_uploader(pos_import)
        return None
    now = timezone.now()
    pos_import.status = PosImport.Status.RUNNING
    pos_import.attempts += 1
    pos_import.started_at = pos_import.started_at or now
    pos_import.heartbeat_at = now
    pos_import.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    return pos_import


def _load_claimed(pos_import):
    import_id = pos_import.pk
    try:
        with transaction.atomic():
            # A dead worker's load may still run its last statement: it holds this lock until then.
            _lock_partner(pos_import.partner_org_id)
            progress = ImportProgress(import_id, pos_import.file.size)
            result = _load(pos_import, progress)
            _finish(pos_import, result)
            _tell_uploader(pos_import)
        progress(phase="completed")
        return pos_import
    except FileUnreadable as exc:
        _fail(import_id, exc.code, exc.message)
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries; the job stays running and is loaded again (up to MAX_ATTEMPTS)
    except Exception:
        logger.exception("POS import %s failed", import_id)
        _fail(
            import_id,
            "internal_error",
            "The import stopped on an unexpected error; nothing was loaded. The portal's team has the details.",
        )
        raise
    return None


@transaction.atomic
def pos_lines_submit(*, actor_membership, lines, partner_org=None):
    """Validate and load sales lines sent as JSON through the same pipeline as files. Returns the job and
    one result per line: {"line": n, "status": "accepted"} or {..., "status": "rejected", "reason": code}."""
    partner_org = partner_for_upload(actor_membership, partner_org)
    if not isinstance(lines, list) or not lines:
        raise DomainError(_("Send a non-empty list of lines."), code="no_lines")
    if len(lines) > API_MAX_LINES:
        raise DomainError(
            _("At most %(max)s lines per request; upload a file for more.")
            % {"max": number_format(API_MAX_LINES, force_grouping=True)},
            code="too_many_lines",
        )
    bad = [i for i, line in enumerate(lines, start=1) if not isinstance(line, dict)]
    if bad:
        raise DomainError(
            _("Each line must be an object (line %(line)d is not).") % {"line": bad[0]}, code="invalid_line"
        )
    binary = [(i, key) for i, line in enumerate(lines, start=1) for key, value in line.items() if "\x00" in str(value)]
    if binary:
        line_number, key = binary[0]
        raise DomainError(
            _("Line %(line)d: %(key)s holds a NUL character, which is not text.") % {"line": line_number, "key": key},
            code="invalid_line",
        )
    field_order = list(Field.values)
    _lock_partner(partner_org.pk)
    pos_import = PosImport.objects.create(
        partner_org=partner_org,
        source=PosImport.Source.API,
        status=PosImport.Status.RUNNING,
        uploaded_by=actor_membership.user,
        header=field_order,
        started_at=timezone.now(),
    )
    workspace = pipeline.Workspace(connection.cursor().cursor, pos_import.pk)
    pipeline.create_stage(workspace, len(field_order))
    pipeline.copy_api_lines(workspace, lines, field_order)
    spec = pipeline.LoadSpec(
        tenant_id=pos_import.tenant_id,
        partner_org_id=partner_org.pk,
        import_id=pos_import.pk,
        n_columns=len(field_order),
        columns={f: i for i, f in enumerate(field_order)},
        date_format=DateFormat.ISO,
        decimal_separator=DecimalSeparator.POINT,
        default_currency="",
    )
    result = pipeline.validate_and_load(spec, workspace, _no_progress)
    _finish(pos_import, result)
    rejected = dict(PosReject.objects.filter(pos_import=pos_import).values_list("line_number", "reason_code"))
    results = [
        {"line": n, "status": "rejected", "reason": rejected[n], "detail": reject_reason_text(rejected[n])}
        if n in rejected
        else {"line": n, "status": "accepted"}
        for n in range(1, len(lines) + 1)
    ]
    return pos_import, results


def pos_imports_requeue_stalled(*, queued_for=STALLED_AFTER):
    """Send again the current tenant's jobs whose worker is gone, and return their ids:
    - a running job whose lock no session holds: its worker holds the lock from before its claim to the end of
      the load, so a free lock means the worker died (or stopped on a transient error; its retry is a duplicate);
    - a queued job whose lock no session holds, last sent `queued_for` ago (its message may be lost): sent again
      at most once per `queued_for`, so a backlog does not fill the queue with copies.
    A long load keeps its lock and is left to its worker. A copy delivered while the job is loading is ignored;
    the job is never loaded twice: the load runs under the lock, on a job whose earlier transaction never
    committed, and at most MAX_ATTEMPTS times."""
    from pos.tasks import run_pos_import

    now = timezone.now()
    candidates = (
        PosImport.objects.annotate(last_sent=Coalesce("sent_at", "created_at"))
        .filter(Q(status=PosImport.Status.RUNNING) | Q(status=PosImport.Status.QUEUED, last_sent__lte=now - queued_for))
        .values_list("pk", flat=True)
    )
    ids = [pk for pk in candidates if not _job_is_being_loaded(pk)]
    PosImport.objects.filter(pk__in=ids).update(sent_at=now)
    tenant_id = str(require_current_tenant().pk)
    for import_id in ids:
        run_pos_import.delay(tenant_id=tenant_id, import_id=str(import_id))
    return [str(pk) for pk in ids]
