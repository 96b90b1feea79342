import csv
import io
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_manage_catalog, require
from prm.audit.services import record, snapshot
from prm.catalog.models import Price, PriceList, Product
from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.files.validation import UploadRejected, sniff
from prm.services import Conflict, DomainError
from prm.tenancy.services import validate_currency
from prm.validators import refuse_control_characters

PRODUCT_FIELDS = ["sku", "name", "family", "active"]
CSV_COLUMNS = ["sku", "name", "family", "active"]
CSV_MAX_ROWS = 50_000
TRUE_WORDS = {"1", "true", "yes", "y", "active", ""}
FALSE_WORDS = {"0", "false", "no", "n", "inactive"}


def _require_catalog_manager(actor_membership):
    require(can_manage_catalog(actor_membership), _("Only vendor admins change the catalogue."))


def _clean_product(sku, name, family):
    sku, name, family = (sku or "").strip(), (name or "").strip(), (family or "").strip()
    if not sku:
        raise DomainError(_("A product needs a SKU."), code="sku_required")
    if len(sku) > 64:
        raise DomainError(_("A SKU has at most 64 characters."), code="sku_too_long")
    if not name:
        raise DomainError(_("A product needs a name."), code="name_required")
    if len(name) > 200 or len(family) > 100:
        raise DomainError(_("Name (200) or family (100) is too long."), code="too_long")
    refuse_control_characters(name=name, family=family)
    return sku, name, family


@transaction.atomic
def product_create(*, actor_membership, sku, name, family="", active=True):
    _require_catalog_manager(actor_membership)
    sku, name, family = _clean_product(sku, name, family)
    try:
        with transaction.atomic():
            product = Product.objects.create(sku=sku, name=name, family=family, active=active)
    except IntegrityError as exc:
        raise Conflict(_("SKU %(sku)s exists already.") % {"sku": sku}, code="duplicate_sku") from exc
    record(action="product.create", actor=actor_membership.user, obj=product, after=snapshot(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def product_update(*, product, actor_membership, **changes):
    _require_catalog_manager(actor_membership)
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise DomainError(
            _("Not an editable field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="invalid_field"
        )
    before = snapshot(product, PRODUCT_FIELDS)
    merged = {**before, **changes}
    product.sku, product.name, product.family = _clean_product(merged["sku"], merged["name"], merged["family"])
    product.active = bool(merged["active"])
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:
        raise Conflict(_("SKU %(sku)s exists already.") % {"sku": product.sku}, code="duplicate_sku") from exc
    record(
        action="product.update",
        actor=actor_membership.user,
        obj=product,
        before=before,
        after=snapshot(product, PRODUCT_FIELDS),
    )
    return product


def _parse_active(value):
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DomainError(_("active must be yes/no, got '%(value)s'") % {"value": value}, code="invalid_active")


def _decode(raw):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The file is neither UTF-8 nor Windows-1252 text."), code="invalid_encoding")


@transaction.atomic
def products_import_csv(*, actor_membership, upload):
    """Create or update products from an uploaded CSV file with a header `sku,name[,family][,active]`.

    All or nothing: any bad line refuses the whole file, and the error lists every bad line with its
    number, so nothing is half-imported. The imported file is kept (staff only) as the record of what was
    imported; a refused file is not kept. Returns {"created": n, "updated": n}.
    """
    _require_catalog_manager(actor_membership)
    try:
        sniff(upload, allowed={"csv"})
    except UploadRejected as exc:
        raise exc.as_domain_error() from exc
    upload.seek(0)
    result = _import_rows(_parse_rows(upload.read()))
    stored_file_create(
        upload=upload,
        purpose=StoredFile.Purpose.CATALOG_IMPORT,
        allowed={"csv"},
        uploaded_by=actor_membership.user,
        staff_only=True,
    )
    record(action="product.import_csv", actor=actor_membership.user, object_type="catalog.product", after=result)
    return result


def _parse_rows(raw):
    """The checked (sku, name, family, active) rows of CSV bytes, or a DomainError naming every bad line."""
    text = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = {"sku", "name"} - set(header)
    if missing:
        raise DomainError(
            _("The header must name the columns sku and name (missing: %(columns)s).")
            % {"columns": ", ".join(sorted(missing))},
            code="invalid_header",
        )
    reader.fieldnames = header
    rows, errors, seen = [], [], set()
    for line_number, row in enumerate(reader, start=2):
        if line_number - 1 > CSV_MAX_ROWS:
            raise DomainError(_("At most %(max)d products per file.") % {"max": CSV_MAX_ROWS}, code="too_many_rows")
        try:
            sku, name, family = _clean_product(row.get("sku"), row.get("name"), row.get("family"))
            active = _parse_active(row.get("active"))
        except DomainError as exc:
            errors.append(_("line %(line)d: %(error)s") % {"line": line_number, "error": exc.message})
            continue
        if sku.lower() in seen:
            errors.append(_("line %(line)d: SKU %(sku)s appears twice in the file") % {"line": line_number, "sku": sku})
            continue
        seen.add(sku.lower())
        rows.append((sku, name, family, active))
    if errors:
        shown = "; ".join(errors[:20])
        if len(errors) > 20:
            shown += _("; and %(count)d more") % {"count": len(errors) - 20}
        raise DomainError(_("Nothing was imported. %(errors)s") % {"errors": shown}, code="invalid_rows")
    if not rows:
        raise DomainError(_("The file has no product lines."), code="empty_file")
    return rows


def _import_rows(rows):
    wanted = [sku.lower() for sku, *_fields in rows]
    existing = {p.sku.lower(): p for p in Product.objects.annotate(sku_ci=Lower("sku")).filter(sku_ci__in=wanted)}
    to_create, to_update = [], []
    for sku, name, family, active in rows:
        product = existing.get(sku.lower())
        if product is None:
            to_create.append(Product(sku=sku, name=name, family=family, active=active))
        elif (product.name, product.family, product.active) != (name, family, active):
            product.name, product.family, product.active = name, family, active
            to_update.append(product)
    Product.objects.bulk_create(to_create)
    Product.objects.bulk_update(to_update, ["name", "family", "active"])
    return {"created": len(to_create), "updated": len(to_update)}


@transaction.atomic
def price_list_create(*, actor_membership, name, currency):
    _require_catalog_manager(actor_membership)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A price list needs a name."), code="name_required")
    refuse_control_characters(name=name)
    try:
        with transaction.atomic():
            price_list = PriceList.objects.create(name=name, currency=validate_currency(currency))
    except IntegrityError as exc:
        message = _("A price list named '%(name)s' exists already.") % {"name": name}
        raise Conflict(message, code="duplicate_name") from exc
    record(
        action="price_list.create",
        actor=actor_membership.user,
        obj=price_list,
        after={"name": name, "currency": price_list.currency},
    )
    return price_list


@transaction.atomic
def price_set(*, actor_membership, product, price_list, amount, valid_from):
    """Add a dated price. Prices are history: a new date adds a row, the same date is refused."""
    _require_catalog_manager(actor_membership)
    try:
        amount = Decimal(str(amount))
    except InvalidOperation as exc:
        raise DomainError(_("'%(amount)s' is not an amount.") % {"amount": amount}, code="invalid_amount") from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("A price is a positive amount."), code="invalid_amount")
    if amount != amount.quantize(Decimal("0.0001")) or amount >= Decimal("1e10"):
        raise DomainError(
            _("A price has at most 10 digits before and 4 after the decimal point."), code="invalid_amount"
        )
    try:
        with transaction.atomic():
            price = Price.objects.create(product=product, price_list=price_list, amount=amount, valid_from=valid_from)
    except IntegrityError as exc:
        raise Conflict(
            _("%(sku)s already has a price on %(price_list)s from %(date)s.")
            % {"sku": product.sku, "price_list": price_list.name, "date": valid_from},
            code="duplicate_price",
        ) from exc
    record(
        action="price.create",
        actor=actor_membership.user,
        obj=price,
        after={
            "product": product.sku,
            "price_list": price_list.name,
            "amount": str(amount),
            "currency": price_list.currency,
            "valid_from": valid_from.isoformat(),
        },
    )
    return price
