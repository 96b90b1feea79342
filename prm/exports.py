"""Table exports, safe to open in a spreadsheet: CSV (streamed) and XLSX.

Imported text is data. In CSV, a cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
written with a leading apostrophe, unless it is a plain number (a return's quantity "-3" stays a number). In
XLSX every text is written as a text cell, which a spreadsheet never runs; the control characters XML cannot
carry are written as Excel's own escape (_x0001_), which Excel reads back as the character.
"""

import csv
import io
import re
import tempfile

from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from prm.tenancy.context import require_current_tenant, tenant_scope

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_chunks(header, rows, rows_per_chunk=1000):
    """CSV text in chunks: the header, then `rows` (iterables of values), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(v) for v in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def rows_in_own_transaction(rows):
    """`rows` (a lazy queryset iterator), read in the current tenant's scope inside a transaction of their own,
    whenever they are consumed — the one way every export reads its rows.

    A streamed body is read after the request's transaction has committed (ATOMIC_REQUESTS) and after the
    middleware has left the tenant scope: without a scope and a transaction of its own, row-level security would
    match no row. Inside the transaction Django declares the `.iterator()` server-side cursor WITHOUT HOLD, so it
    lives and dies with that transaction, as a transaction-pooling PgBouncer requires (docs/deployment.md).
    Consumed within the request (XLSX), the transaction is a savepoint of the request's.
    The scope is held across `yield`: right under WSGI (gunicorn's sync workers read the whole body in one thread
    and context); an ASGI server, which may resume the generator in another context, would need another way.
    """
    tenant = require_current_tenant()

    def read():
        with tenant_scope(tenant), transaction.atomic():
            yield from rows

    return read()


def streaming_csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        csv_chunks(header, rows_in_own_transaction(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value  # numbers, decimals, dates and None as themselves
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value))
    cell.data_type = "s"  # text, even when it starts with "=" (openpyxl would otherwise write a formula)
    return cell


def xlsx_response(filename, header, rows):
    """The table as one XLSX sheet, written row by row to a temporary file (openpyxl's write-only mode keeps
    memory flat) and sent from it. The caller keeps to XLSX_MAX_ROWS."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([_xlsx_cell(sheet, h) for h in header])
    for row in rows_in_own_transaction(rows):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def table_response(request, filename, file_format, count, header, rows, back):
    """A page's table as CSV (streamed), or as XLSX when its `count` rows fit one sheet; else back to the page
    `back` with a message saying why."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    if file_format == "csv":
        return streaming_csv_response(f"{filename}.csv", header, rows)
    if count > XLSX_MAX_ROWS:
        messages.error(
            request,
            _("%(count)s rows are more than a spreadsheet holds (%(max)s): narrow the filters, or export CSV.")
            % {"count": f"{count:,}", "max": f"{XLSX_MAX_ROWS:,}"},
        )
        return redirect(back)
    return xlsx_response(f"{filename}.xlsx", header, rows)
