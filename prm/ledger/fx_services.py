"""Entering FX rates: one at a time (page, API), many as JSON (API) or as a CSV file (page, API).

Rates are history and are never edited or deleted: a conversion already stored (a ledger posting, a POS rollup)
carries the rate it used, so a rate that later proved wrong is corrected by a new rate from a later date. Each
(pair, date) has one rate; a second one is refused (`duplicate_fx_rate`). Many rates at once get one result per
line: the good lines are created, each bad one is rejected with its line number and reason, none is left out.
After the transaction commits, `fx_rates_changed` tells the modules that keep converted amounts.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_manage_fx_rates, require
from prm.audit.services import record
from prm.files.services import stored_file_create
from prm.files.validation import UploadRejected, sniff
from prm.ledger.fx import RATE_EXPONENT
from prm.ledger.models import FxRate, FxRateSource
from prm.ledger.signals import fx_rates_changed
from prm.services import Conflict, DomainError
from prm.tenancy.services import validate_currency
from prm.validators import ISO_DATE

FX_IMPORT_PURPOSE = "fx_rates_import"  # registered by prm.ledger.apps
CSV_COLUMNS = ("base_currency", "quote_currency", "rate", "valid_from")
MAX_RATES = 10_000  # per file or request
RATE_FIELD = FxRate._meta.get_field("rate")
RATE_MAX_WHOLE_DIGITS = RATE_FIELD.max_digits - RATE_FIELD.decimal_places


Source = FxRateSource  # the sources this module's callers name


@dataclass
class RateLine:
    """One rate of a batch as given (`number`: the file's line number, or the index in a JSON list), and what
    became of it: `fx_rate` when it was created, else `code` and `reason`."""

    number: int
    base_currency: str = ""
    quote_currency: str = ""
    rate: Decimal | None = None
    valid_from: datetime.date | None = None
    fx_rate: FxRate | None = None
    code: str = ""
    reason: str = ""

    @property
    def accepted(self):
        return self.fx_rate is not None

    @property
    def key(self):
        return self.base_currency, self.quote_currency, self.valid_from

    def reject(self, code, reason):
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class BatchResult:
    lines: list  # of RateLine, in the order given

    @property
    def accepted(self):
        return sum(line.accepted for line in self.lines)

    @property
    def rejected(self):
        return len(self.lines) - self.accepted


def _require_fx_manager(actor_membership):
    require(can_manage_fx_rates(actor_membership), _("Only vendor admins enter FX rates."))


# --- the rules of one rate -------------------------------------------------------------------------------------


def _check_rate(base_currency, quote_currency, rate, valid_from):
    """The rate's currencies upper-cased; DomainError with the rule's code for a rate that cannot be stored."""
    base_currency = validate_currency((base_currency or "").strip())
    quote_currency = validate_currency((quote_currency or "").strip())
    if base_currency == quote_currency:
        raise DomainError(_("A rate converts between two different currencies."), code="same_currency")
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise DomainError(_("A rate is a number greater than 0."), code="invalid_rate")
    if rate.adjusted() >= RATE_MAX_WHOLE_DIGITS or rate != rate.quantize(RATE_EXPONENT):
        raise DomainError(
            _("A rate has at most %(whole)d digits before and %(decimals)d after the decimal point.")
            % {"whole": RATE_MAX_WHOLE_DIGITS, "decimals": RATE_FIELD.decimal_places},
            code="invalid_rate",
        )
    if not isinstance(valid_from, datetime.date):
        raise DomainError(_("A rate needs the date it is valid from."), code="invalid_date")
    return base_currency, quote_currency


def _duplicate_message(base_currency, quote_currency, valid_from):
    return _(
        "A rate from %(base)s to %(quote)s valid from %(date)s exists already; rates are not changed: "
        "enter a correction valid from a later date."
    ) % {
        "base": base_currency,
        "quote": quote_currency,
        "date": valid_from.isoformat(),
    }


def _after_commit_announce(rates):
    """Send fx_rates_changed once the transaction commits: both directions of every new rate's pair (convert uses
    a pair's inverse too), from the earliest new date."""
    if not rates:
        return
    tenant_id = rates[0].tenant_id
    pairs = frozenset(
        p for r in rates for p in ((r.base_currency, r.quote_currency), (r.quote_currency, r.base_currency))
    )
    valid_from = min(r.valid_from for r in rates)
    transaction.on_commit(
        lambda: fx_rates_changed.send(sender=FxRate, tenant_id=tenant_id, pairs=pairs, valid_from=valid_from)
    )


def _audit_after(rate):
    return {
        "base_currency": rate.base_currency,
        "quote_currency": rate.quote_currency,
        "rate": str(rate.rate),
        "valid_from": rate.valid_from.isoformat(),
        "source": rate.source,
    }


# --- one rate --------------------------------------------------------------------------------------------------


@transaction.atomic
def fx_rate_create(*, actor_membership, base_currency, quote_currency, rate, valid_from, source=Source.MANUAL):
    """Add the rate of a pair from a date. Raises DomainError for a bad rate, Conflict `duplicate_fx_rate` when
    the pair has a rate from that date already (rates are never changed)."""
    _require_fx_manager(actor_membership)
    base_currency, quote_currency = _check_rate(base_currency, quote_currency, rate, valid_from)
    try:
        with transaction.atomic():
            fx_rate = FxRate.objects.create(
                base_currency=base_currency,
                quote_currency=quote_currency,
                rate=rate,
                valid_from=valid_from,
                source=source,
                created_by=actor_membership.user,
            )
    except IntegrityError as exc:
        raise Conflict(_duplicate_message(base_currency, quote_currency, valid_from), code="duplicate_fx_rate") from exc
    record(action="fx_rate.create", actor=actor_membership.user, obj=fx_rate, after=_audit_after(fx_rate))
    _after_commit_announce([fx_rate])
    return fx_rate


# --- many rates ------------------------------------------------------------------------------------------------


@transaction.atomic
def fx_rates_create_many(*, actor_membership, lines, source=Source.API):
    """Create the rates of `lines` (RateLines whose values are parsed; those already rejected stay so): each
    valid one is created, each other is rejected with its reason. Returns a BatchResult."""
    _require_fx_manager(actor_membership)
    if not lines:
        raise DomainError(_("There are no rates to add."), code="empty_file")
    if len(lines) > MAX_RATES:
        raise DomainError(_("At most %(max)d rates at once.") % {"max": MAX_RATES}, code="too_many_rates")
    candidates = _checked(lines)
    _reject_existing(candidates)
    _insert([line for line in candidates if not line.code], actor_membership=actor_membership, source=source)
    result = BatchResult(lines=lines)
    record(
        action="fx_rate.create_many",
        actor=actor_membership.user,
        object_type="ledger.fxrate",
        after={"source": source, "accepted": result.accepted, "rejected": result.rejected},
    )
    _after_commit_announce([line.fx_rate for line in lines if line.accepted])
    return result


def _checked(lines):
    """The lines not rejected yet that pass the rules of a rate and appear once in the batch."""
    candidates, first_of = [], {}
    for line in lines:
        if line.code:
            continue
        try:
            line.base_currency, line.quote_currency = _check_rate(
                line.base_currency, line.quote_currency, line.rate, line.valid_from
            )
        except DomainError as exc:
            line.reject(exc.code, exc.message)
            continue
        if line.key in first_of:
            line.reject(
                "duplicate_in_batch",
                _("The same pair and date as line %(number)d.") % {"number": first_of[line.key].number},
            )
            continue
        first_of[line.key] = line
        candidates.append(line)
    return candidates


def _reject_existing(candidates):
    if not candidates:
        return
    wanted = Q()
    for line in candidates:
        wanted |= Q(base_currency=line.base_currency, quote_currency=line.quote_currency, valid_from=line.valid_from)
    existing = set(FxRate.objects.filter(wanted).values_list("base_currency", "quote_currency", "valid_from"))
    for line in candidates:
        if line.key in existing:
            line.reject("duplicate_fx_rate", _duplicate_message(*line.key))


def _insert(lines, *, actor_membership, source):
    rates = [
        FxRate(
            base_currency=line.base_currency,
            quote_currency=line.quote_currency,
            rate=line.rate,
            valid_from=line.valid_from,
            source=source,
            created_by=actor_membership.user,
        )
        for line in lines
    ]
    try:
        with transaction.atomic():
            FxRate.objects.bulk_create(rates)
    except IntegrityError as exc:  # a rate of the same pair and date committed meanwhile
        raise Conflict(
            _("Rates of the same pairs and dates were added meanwhile; nothing was added. Send them again."),
            code="duplicate_fx_rate",
        ) from exc
    for line, rate in zip(lines, rates, strict=True):
        line.fx_rate = rate


# --- a CSV file ------------------------------------------------------------------------------------------------


@transaction.atomic
def fx_rates_import_csv(*, actor_membership, upload):
    """Create rates from a CSV file with the header `base_currency,quote_currency,rate,valid_from` (any order;
    comma, semicolon or tab separated; dates YYYY-MM-DD; a decimal point, or a decimal comma in a file not
    separated by commas). A result per line (`fx_rates_create_many`). The file is kept (staff only) as the record
    of what was imported when any rate was created."""
    _require_fx_manager(actor_membership)
    try:
        sniff(upload, allowed={"csv"})
    except UploadRejected as exc:
        raise exc.as_domain_error() from exc
    upload.seek(0)
    result = fx_rates_create_many(actor_membership=actor_membership, lines=_read_csv(upload.read()), source=Source.CSV)
    if result.accepted:
        stored_file_create(
            upload=upload,
            purpose=FX_IMPORT_PURPOSE,
            allowed={"csv"},
            uploaded_by=actor_membership.user,
            staff_only=True,
        )
    return result


def _read_csv(raw):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("The file is not UTF-8 text."), code="invalid_encoding") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    columns = _header(next(reader, []))
    decimal_comma = dialect.delimiter != ","
    lines = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line holds no rate
        if len(lines) >= MAX_RATES:
            raise DomainError(_("At most %(max)d rates per file.") % {"max": MAX_RATES}, code="too_many_rates")
        lines.append(_csv_line(reader.line_num, cells, columns, decimal_comma=decimal_comma))
    return lines


def _header(cells):
    names = [cell.strip().lower() for cell in cells]
    missing = [name for name in CSV_COLUMNS if name not in names]
    unknown = [name for name in names if name not in CSV_COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise DomainError(
            _(
                "The first line must name the columns %(columns)s, each once (missing: %(missing)s; unknown: "
                "%(unknown)s)."
            )
            % {
                "columns": ", ".join(CSV_COLUMNS),
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown) or "-",
            },
            code="invalid_header",
        )
    return {name: names.index(name) for name in CSV_COLUMNS}


def _csv_line(number, cells, columns, *, decimal_comma):
    line = RateLine(number=number)
    if len(cells) != len(columns):
        line.reject(
            "wrong_cell_count",
            _("The line has %(found)d cells; the header names %(expected)d.")
            % {"found": len(cells), "expected": len(columns)},
        )
        return line
    value = {name: cells[index].strip() for name, index in columns.items()}
    line.base_currency, line.quote_currency = value["base_currency"], value["quote_currency"]
    rate = value["rate"].replace(",", ".") if decimal_comma else value["rate"]
    try:
        line.rate = Decimal(rate)
    except InvalidOperation:
        line.reject("invalid_rate", _("The rate %(rate)r is not a number.") % {"rate": value["rate"]})
        return line
    try:
        if not ISO_DATE.fullmatch(value["valid_from"]):
            raise ValueError
        line.valid_from = datetime.date.fromisoformat(value["valid_from"])
    except ValueError:
        line.reject("invalid_date", _("The date %(date)r is not a date as YYYY-MM-DD.") % {"date": value["valid_from"]})
    return line
