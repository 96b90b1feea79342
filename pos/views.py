from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pos import charts, selectors
from pos.forms import LineFilterForm, MappingForm, PartNumberForm, UploadForm
from pos.models import Field, PosImport, PosLine
from pos.services.exports import lines_table, rejects_table
from pos.services.imports import column_mapping_save, pos_import_create, pos_import_delete, reject_reason_text
from pos.services.mappings import column_mapping_delete, column_mapping_update
from pos.services.part_numbers import partner_part_number_create
from prm.accounts.permissions import can_send_partner_data, member_required, permission_required
from prm.exports import table_response
from prm.forms import apply_domain_error
from prm.pages import paginate, sort_headings
from prm.services import DomainError

REJECTS_PER_PAGE = 50  # the rejected lines listed on a result page; the rejects file holds them all


@member_required
def import_list(request):
    viewer = request.membership
    form = UploadForm(request.POST or None, request.FILES or None, viewer=viewer)
    if request.method == "POST":
        if not can_send_partner_data(viewer):
            raise PermissionDenied
        if form.is_valid():
            try:
                pos_import = pos_import_create(
                    actor_membership=viewer,
                    upload=form.cleaned_data["file"],
                    partner_org=form.cleaned_data.get("partner_org"),
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if pos_import.status == PosImport.Status.NEEDS_MAPPING:
                    return redirect("pos:import_mapping", pos_import.pk)
                messages.success(request, _("File received; it is being checked."))
                return redirect("pos:import_detail", pos_import.pk)
    context = {
        "form": form,
        "may_upload": can_send_partner_data(viewer),
        **paginate(request, selectors.visible_imports(viewer)),
    }
    return render(request, "pos/import_list.html", context, status=400 if form.errors else 200)


def _visible_import(request, import_id):
    return get_object_or_404(selectors.visible_imports(request.membership), pk=import_id)


@member_required
def import_detail(request, import_id):
    pos_import = _visible_import(request, import_id)
    if pos_import.status == PosImport.Status.NEEDS_MAPPING and can_send_partner_data(request.membership):
        return redirect("pos:import_mapping", pos_import.pk)
    reasons = [(code, reject_reason_text(code), n) for code, n in pos_import.reject_reasons.items()]
    context = {"pos_import": pos_import, "progress": selectors.import_progress(pos_import), "reasons": reasons}
    if pos_import.lines_rejected:
        context.update(paginate(request, selectors.rejects_of(pos_import), per_page=REJECTS_PER_PAGE))
        for reject in context["page_obj"]:
            reject.reason_text = reject_reason_text(reject.reason_code)
    return render(request, "pos/import_detail.html", context)


@member_required
def import_progress_partial(request, import_id):
    """htmx: the progress bar, polled while the job runs; the whole result once it is done."""
    pos_import = _visible_import(request, import_id)
    if pos_import.status in (PosImport.Status.COMPLETED, PosImport.Status.FAILED):
        response = render(request, "pos/_progress.html", {"pos_import": pos_import, "done": True})
        response["HX-Refresh"] = "true"
        return response
    return render(
        request, "pos/_progress.html", {"pos_import": pos_import, "progress": selectors.import_progress(pos_import)}
    )


@member_required
def import_mapping(request, import_id):
    pos_import = _visible_import(request, import_id)
    if not can_send_partner_data(request.membership):
        raise PermissionDenied
    if pos_import.status != PosImport.Status.NEEDS_MAPPING:
        return redirect("pos:import_detail", pos_import.pk)
    form = MappingForm(request.POST or None, header=pos_import.header)
    if request.method == "POST" and form.is_valid():
        try:
            column_mapping_save(
                actor_membership=request.membership,
                pos_import=pos_import,
                name=form.cleaned_data["name"],
                columns=form.columns(),
                date_format=form.cleaned_data["date_format"],
                decimal_separator=form.cleaned_data["decimal_separator"],
                default_currency=form.cleaned_data["default_currency"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Template saved; the file is being checked."))
            return redirect("pos:import_detail", pos_import.pk)
    context = {
        "pos_import": pos_import,
        "form": form,
        "preview": selectors.file_preview(pos_import),
        "field_names": [name for name in form.fields if name.startswith("col_")],
    }
    return render(request, "pos/import_mapping.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(can_send_partner_data)
def import_delete(request, import_id):
    """Delete a file waiting for a mapping (the mapping page's Delete, confirmed there), then back to the list."""
    pos_import = _visible_import(request, import_id)
    try:
        pos_import_delete(actor_membership=request.membership, pos_import=pos_import)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pos:import_detail", pos_import.pk)
    messages.success(
        request, _("“%(name)s” deleted; nothing was loaded from it.") % {"name": pos_import.file.original_name}
    )
    return redirect("pos:import_list")


@member_required
def import_rejects(request, import_id, file_format="csv"):
    pos_import = _visible_import(request, import_id)
    header, rows = rejects_table(pos_import)
    back = reverse("pos:import_detail", args=[pos_import.pk])
    return table_response(
        request, f"rejects-{pos_import.pk}", file_format, pos_import.lines_rejected, header, rows, back
    )


LINES_PER_PAGE = 50
# The lines table's sortable columns: the direction a first click sorts in (dates and figures largest first).
FIRST_SORT_DIRECTION = {
    "invoice_date": "-",
    "partner": "",
    "sku": "",
    "end_customer": "",
    "quantity": "-",
    "value": "-",
}


class LineSelection(NamedTuple):
    form: LineFilterForm
    lines: object  # a queryset of PosLine, in the order asked
    sort: str
    filters: dict | None  # the valid filters given; None while one is not valid


def _filtered_lines(request):
    """The filter form, the lines it selects in the order it asks, that order's sort key and the filters: no line
    while a filter is not valid (the form says why)."""
    form = LineFilterForm(request.GET or None, viewer=request.membership)
    if form.errors:
        return LineSelection(form, PosLine.objects.none(), "", None)
    given = form.cleaned_data if form.is_bound else {}
    sort = given.get("sort", "")
    filters = {name: value for name, value in given.items() if value and name != "sort"}
    lines = selectors.visible_lines(request.membership, **filters)
    return LineSelection(form, selectors.order_lines(lines, [sort] if sort else []), sort, filters)


@member_required
def line_list(request):
    """The lines table: a page of the filtered lines, and the totals of all of them (whose count the pagination
    takes, so the page costs one grouped query and the page's rows)."""
    form, lines, sort, filters = _filtered_lines(request)
    totals = selectors.NO_TOTALS if filters is None else selectors.line_totals(request.membership, lines, filters)
    context = {
        "form": form,
        "totals": totals,
        "sort_headings": sort_headings(request, sort, FIRST_SORT_DIRECTION),
        **paginate(request, lines, per_page=LINES_PER_PAGE, count=totals["lines"]),
    }
    return render(request, "pos/line_list.html", context, status=400 if filters is None else 200)


@member_required
def line_export(request, file_format="csv"):
    form, lines, _sort, _filters = _filtered_lines(request)
    if form.errors:
        return line_list(request)
    header, rows = lines_table(lines)
    count = lines.count() if file_format == "xlsx" else 0
    back = f"{reverse('pos:line_list')}?{request.GET.urlencode()}"
    return table_response(request, "pos-lines", file_format, count, header, rows, back)


@member_required
def data_quality(request):
    rows = selectors.data_quality(request.membership)
    for row in rows:
        row["top_reasons"] = [(code, reject_reason_text(code), n) for code, n in row["top_reasons"]]
    sales_by_month = selectors.sales_summary(request.membership, group_by="month")
    context = {
        "rows": rows,
        "sales_by_month": sales_by_month,
        "reporting": selectors.reporting_status(request.membership),
        **charts.data_quality_charts(request.membership),
    }
    return render(request, "pos/data_quality.html", context)


@member_required
def part_numbers(request):
    viewer = request.membership
    form = PartNumberForm(request.POST or None, viewer=viewer)
    if request.method == "POST":
        if not can_send_partner_data(viewer):
            raise PermissionDenied
        if form.is_valid():
            try:
                partner_part_number_create(
                    actor_membership=viewer,
                    partner_org=form.cleaned_data.get("partner_org"),
                    partner_sku=form.cleaned_data["partner_sku"],
                    product_sku=form.cleaned_data["product_sku"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Part number saved."))
                return redirect("pos:part_numbers")
    context = {
        "form": form,
        "may_upload": can_send_partner_data(viewer),
        **paginate(request, selectors.visible_part_numbers(viewer), per_page=50),
    }
    return render(request, "pos/part_numbers.html", context, status=400 if form.errors else 200)


@member_required
def mapping_list(request):
    """The partner's saved column templates (every partner's for vendor staff): rename or delete one."""
    viewer = request.membership
    context = {"may_edit": can_send_partner_data(viewer), **paginate(request, selectors.visible_mappings(viewer))}
    for mapping in context["page_obj"]:
        mapping.mapped = [(Field(field).label, mapping.header[index]) for field, index in mapping.columns.items()]
    return render(request, "pos/mapping_list.html", context)


def _change_mapping(request, mapping_id, change, done):
    """`change(mapping)` (a mappings service; returns the name to show), then back to the list with a message
    saying what happened or why not."""
    mapping = get_object_or_404(selectors.visible_mappings(request.membership), pk=mapping_id)
    try:
        name = change(mapping)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"name": name})
    return redirect("pos:mapping_list")


@require_POST
@permission_required(can_send_partner_data)
def mapping_rename(request, mapping_id):
    def rename(mapping):
        name = request.POST.get("name", "")
        return column_mapping_update(actor_membership=request.membership, mapping=mapping, name=name).name

    return _change_mapping(request, mapping_id, rename, _("Template renamed “%(name)s”."))


@require_POST
@permission_required(can_send_partner_data)
def mapping_delete(request, mapping_id):
    def delete(mapping):
        column_mapping_delete(actor_membership=request.membership, mapping=mapping)
        return mapping.name

    return _change_mapping(request, mapping_id, delete, _("Template “%(name)s” deleted."))
