import datetime
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import TruncDate

from pos.apps import SALES_OUT_REPORT_KIND
from pos.models import (
    ColumnMapping,
    PartnerPartNumber,
    PosImport,
    PosLine,
    PosPartnerMonthSales,
    PosReject,
    PosSalesRollup,
)
from pos.rollup_cache import cached_rollup_rows
from pos.services.reading import FileUnreadable, detect_csv, detect_xlsx
from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import is_partner
from prm.accounts.selectors import partner_org_list
from prm.cadences.selectors import report_statuses, with_cadence
from prm.files.services import stored_file_open
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import partner_orgs_in_scope, within_scope


def visible_imports(viewer):
    return within_scope(PosImport.objects.select_related("partner_org", "file", "uploaded_by"), viewer)


def reporting_status(viewer, today=None):
    """[(partner org, ReportStatus)] of the sales-out report for each partner `viewer` may reach that has a
    reporting cadence: the last and next due dates, and whether the latest completed report (the day its file
    arrived, in the tenant's time zone) is late."""
    in_scope = with_cadence(partner_org_list(viewer=viewer), SALES_OUT_REPORT_KIND)
    orgs = list(in_scope)
    arrivals = sales_out_arrivals(in_scope)  # a subquery: not thousands of ids in the statement
    statuses = report_statuses(orgs, SALES_OUT_REPORT_KIND, arrivals, today)
    return [(org, statuses[org.pk]) for org in orgs]


def sales_out_arrivals(partner_orgs):
    """{partner org id: the day (in the tenant's time zone) its latest completed sales-out report arrived}: the
    report kind's `arrivals` (prm.modules.register_report_kind)."""
    return dict(
        PosImport.objects.filter(status=PosImport.Status.COMPLETED, partner_org__in=partner_orgs)
        .values("partner_org_id")
        .annotate(last=Max(TruncDate("created_at", tzinfo=ZoneInfo(require_current_tenant().time_zone))))
        .values_list("partner_org_id", "last")
    )


# A line's value: quantity × unit price, in the line's currency (a return's is negative).
LINE_VALUE = ExpressionWrapper(
    F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=24, decimal_places=4)
)

# The lines' sort keys (the page's `?sort=`, the API's `?ordering=`) and the column each orders by; ties go by id
# in the same direction, so a page boundary never splits or repeats lines.
LINE_SORTS = {
    "invoice_date": "invoice_date",
    "partner": "partner_org__name",
    "sku": "product__sku",
    "end_customer": "end_customer_name",
    "quantity": "quantity",
    "value": "value",
}
LINES_NEWEST_FIRST = ["-id"]  # the most recently loaded first: the page index's order


def visible_lines(viewer, **filters):
    """The lines `viewer` may see that match `filters`, each with its `value`, the most recently loaded first."""
    lines = within_scope(PosLine.objects.select_related("product", "partner_org"), viewer).annotate(value=LINE_VALUE)
    return filter_lines(lines, **filters)


def order_lines(lines, terms):
    """`lines` ordered by sort keys ("quantity", "-value": descending), ties by id in the last key's direction;
    newest first without a key. An unknown key is a KeyError (the page's form and the API check them first)."""
    if not terms:
        return lines.order_by(*LINES_NEWEST_FIRST)
    columns = [f"-{LINE_SORTS[term[1:]]}" if term.startswith("-") else LINE_SORTS[term] for term in terms]
    return lines.order_by(*columns, "-id" if terms[-1].startswith("-") else "id")


ONE_DAY = datetime.timedelta(days=1)
NO_TOTALS = {"lines": 0, "quantity": 0, "by_currency": []}  # no line selected (a filter not valid)
# The lines page's filters that select whole rows of the sales rollup (with dates on whole invoice months).
ROLLUP_FILTERS = {"partner_org", "product", "sku", "date_from", "date_to"}


def line_totals(viewer, lines, filters):
    """The count, units and value per currency of every line `filters` select (not a page) — `lines`, the viewer's
    lines so filtered: {"lines", "quantity", "by_currency": [{"currency", "lines", "quantity", "value"}]}.

    One grouped query. When the filters select whole rows of the sales rollup (a partner, a product or SKU, dates
    on whole invoice months — the unfiltered page, a partner's, a month's, a quarter's), it groups the rollup's rows
    (a row per partner, product, month and currency, kept with the lines in the load's transaction), not the lines:
    a few thousand rows instead of a million. Otherwise (an end-customer country, a date inside a month) the lines."""
    if _rollup_answers(filters):
        rows = visible_rollup(
            viewer,
            partner_org=filters.get("partner_org"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        if filters.get("product"):
            rows = rows.filter(product=filters["product"])
        if filters.get("sku"):
            rows = rows.filter(product__sku__iexact=filters["sku"])
        sums = {"total": Sum("amount"), "lines": Sum("line_count"), "units": Sum("quantity")}
        by_currency = cached_rollup_rows(viewer, rows.order_by("currency").values("currency").annotate(**sums))
    else:
        sums = {"total": Sum(LINE_VALUE), "lines": Count("id"), "units": Sum("quantity")}
        by_currency = list(lines.order_by("currency").values("currency").annotate(**sums))
    return {
        "lines": sum(row["lines"] for row in by_currency),
        "quantity": sum(row["units"] for row in by_currency),
        "by_currency": [
            {"currency": row["currency"], "lines": row["lines"], "quantity": row["units"], "value": row["total"]}
            for row in by_currency
        ],
    }


def line_count(viewer, lines, filters):
    """How many lines `filters` select (`lines`, the viewer's lines so filtered): the rollup's count when it can
    answer (line_totals), else COUNT(*) over the lines."""
    return line_totals(viewer, lines, filters)["lines"] if _rollup_answers(filters) else lines.count()


def _rollup_answers(filters):
    return set(filters) <= ROLLUP_FILTERS and _on_whole_months(filters.get("date_from"), filters.get("date_to"))


def _on_whole_months(date_from, date_to):
    """Whether [date_from, date_to] (either open) starts on a month's first day and ends on a month's last."""
    return (date_from is None or date_from.day == 1) and (date_to is None or (date_to + ONE_DAY).day == 1)


def filter_lines(lines, *, partner_org=None, product=None, sku="", date_from=None, date_to=None, country=""):
    """The lines page's and the API's filters (a partner and a product as objects or ids)."""
    if partner_org:
        lines = lines.filter(partner_org=partner_org)
    if product:
        lines = lines.filter(product=product)
    if sku:
        lines = lines.filter(product__sku__iexact=sku)
    if date_from:
        lines = lines.filter(invoice_date__gte=date_from)
    if date_to:
        lines = lines.filter(invoice_date__lte=date_to)
    if country:
        lines = lines.filter(end_customer_country=country.upper())
    return lines


def progress_key(import_id):
    """The cache key of a running job's progress (written by pos.services.imports.ImportProgress)."""
    return f"pos-import-progress:{import_id}"


def import_progress(pos_import):
    """What a page shows about a job: counts when it is finished, the live progress while it runs."""
    if pos_import.status in (PosImport.Status.COMPLETED, PosImport.Status.FAILED):
        return {"phase": pos_import.status, "percent": 100}
    state = cache.get(progress_key(pos_import.pk)) or {"phase": pos_import.status}
    total = state.get("total_bytes") or 0
    if state.get("phase") == "reading" and total:
        percent = min(70, int(70 * state.get("bytes_read", 0) / total))
    else:
        percent = {"validating": 80, "loading": 90}.get(state.get("phase"), 0)
    return {**state, "percent": percent}


def file_preview(pos_import):
    """The header and first rows of a job's file, for the mapping page."""
    with stored_file_open(pos_import.file) as handle:
        try:
            layout = detect_csv(handle) if pos_import.file_kind == "csv" else detect_xlsx(handle)
        except FileUnreadable:
            return []
    return layout.preview


def rejects_of(pos_import):
    return PosReject.objects.filter(pos_import=pos_import).order_by("line_number")


def visible_mappings(viewer):
    """Saved column templates: a partner's own organisation's, those of the partners in scope for vendor staff."""
    mappings = within_scope(ColumnMapping.objects.select_related("partner_org"), viewer)
    return mappings if is_partner(viewer) else mappings.order_by("partner_org__name", "name")


def visible_part_numbers(viewer):
    return within_scope(PartnerPartNumber.objects.select_related("partner_org", "product"), viewer)


def data_quality(viewer):
    """Per partner: files, lines read / accepted / rejected, accept rate, the reasons lines were rejected (most
    frequent first), and the reseller match rate — of the accepted lines naming a reporting reseller, the share
    whose reseller's company key was a partner organisation's when the file was loaded (None: no reseller)."""
    imports = visible_imports(viewer).filter(status=PosImport.Status.COMPLETED)
    totals = (
        imports.values("partner_org_id", name=F("partner_org__name"))
        .annotate(
            files=Count("id"),
            read=Sum("lines_read"),
            accepted=Sum("lines_accepted"),
            rejected=Sum("lines_rejected"),
            with_reseller=Sum("lines_with_reseller"),
            reseller_matched=Sum("lines_reseller_matched"),
        )
        .order_by("name")
    )
    by_partner = defaultdict(Counter)  # from each job's reason counts, not by counting its rejected lines again
    for partner_org_id, reasons in imports.values_list("partner_org_id", "reject_reasons"):
        by_partner[partner_org_id].update(reasons or {})
    return [
        {
            **row,
            "accept_rate": row["accepted"] / row["read"] if row["read"] else None,
            "reseller_match_rate": row["reseller_matched"] / row["with_reseller"] if row["with_reseller"] else None,
            "top_reasons": sorted(by_partner[row["partner_org_id"]].items(), key=lambda item: (-item[1], item[0]))[:5],
        }
        for row in totals
    ]


def upload_partners(viewer):
    """The organisations `viewer` may upload for: a partner its own; vendor staff the active ones in scope."""
    if is_partner(viewer):
        return PartnerOrg.objects.filter(pk=viewer.partner_org_id)
    return partner_orgs_in_scope(viewer).filter(status=PartnerOrg.Status.ACTIVE)


# --- what POS shows on the core's pages (pos/hooks.py: home cards, to-dos, the partner organisation's panel) ---


def imports_waiting_for_mapping(viewer):
    return visible_imports(viewer).filter(status=PosImport.Status.NEEDS_MAPPING)


def partners_waiting_for_mapping(viewer):
    """The organisations with a file waiting for a column mapping, by name."""
    waiting = imports_waiting_for_mapping(viewer).values("partner_org_id")
    return PartnerOrg.objects.filter(pk__in=waiting).order_by("name")


def rejects_to_fix(viewer):
    """The viewer's latest completed import if it rejected lines (to be corrected and sent again), else None."""
    last = visible_imports(viewer).filter(status=PosImport.Status.COMPLETED).first()
    return last if last is not None and last.lines_rejected else None


def import_totals(viewer, *, since):
    """Imports created since `since`: how many, how many failed, and the reject rate of the completed ones."""
    completed = Q(status=PosImport.Status.COMPLETED)
    totals = (
        visible_imports(viewer)
        .filter(created_at__gte=since)
        .aggregate(
            files=Count("id"),
            failed=Count("id", filter=Q(status=PosImport.Status.FAILED)),
            read=Sum("lines_read", filter=completed, default=0),
            rejected=Sum("lines_rejected", filter=completed, default=0),
        )
    )
    return {**totals, "reject_rate": totals["rejected"] / totals["read"] if totals["read"] else None}


def sales_out_by_currency(viewer, *, partner_org, date_from, date_to):
    """One partner's validated sales of the invoice months the dates touch, from the rollup (a fiscal quarter is
    whole months): lines, units and value per currency."""
    rows = visible_rollup(viewer, partner_org=partner_org, date_from=date_from, date_to=date_to)
    return list(
        rows.order_by("currency")
        .values("currency")
        .annotate(lines=Sum("line_count"), units=Sum("quantity"), value=Sum("amount"))
    )


# --- the sales rollup (pos/services/rollup.py): sales by month or product, tier revenue --------------------------

SUMMARY_GROUPS = {"month": ("month",), "product": ("product_id", "product__sku")}


def sales_partner(viewer, partner_org_id):
    """The organisation whose sales `viewer` asks for, if in their scope (a partner: its own); None if not."""
    return partner_orgs_in_scope(viewer).filter(pk=partner_org_id).first()


def visible_rollup(viewer, *, partner_org=None, date_from=None, date_to=None):
    """The viewer's rollup rows (a partner's own; the partners in scope for staff), of the invoice months the dates
    touch: a sale counts by its invoice month, so the range is widened to whole months."""
    rows = within_scope(PosSalesRollup.objects.all(), viewer)
    if partner_org:
        rows = rows.filter(partner_org=partner_org)
    if date_from:
        rows = rows.filter(month__gte=date_from.replace(day=1))
    if date_to:
        rows = rows.filter(month__lte=date_to)
    return rows


def sales_summary(viewer, *, group_by="month", **filters):
    """Validated sales in the reporting currency per month or product: units, amount, lines and the lines without an
    FX rate (whose amount is not in `amount`): a list of rows (pos.rollup_cache)."""
    keys = SUMMARY_GROUPS[group_by]
    return cached_rollup_rows(
        viewer,
        visible_rollup(viewer, **filters)
        .values(*keys)
        .annotate(
            units=Sum("quantity"),
            amount=Sum("amount_reporting"),
            lines=Sum("line_count"),
            lines_without_fx_rate=Sum("lines_without_rate"),
        )
        .order_by(*keys),
    )


def pos_sales_tier_revenue(*, partner_org_ids, date_from, date_to):
    """The "pos_sales" tier-revenue source (prm.modules): each partner's validated sales in the reporting currency,
    of the whole invoice months the dates touch (0 for a partner without sales). Lines without an FX rate count
    nothing (the data-quality page shows how many)."""
    rows = PosPartnerMonthSales.objects.filter(  # a partner's months, not its products' rollup rows
        partner_org_id__in=partner_org_ids, month__gte=date_from.replace(day=1), month__lte=date_to
    )
    totals = dict(
        rows.order_by()
        .values("partner_org_id")
        .annotate(total=Sum("amount_reporting"))
        .values_list("partner_org_id", "total")
    )
    return {pk: totals.get(uuid.UUID(str(pk)), Decimal(0)) for pk in partner_org_ids}
