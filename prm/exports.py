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

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from prm.tenancy.context import get_current_tenant, tenant_scope

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


def _in_tenant_scope(tenant, chunks):
    # A streamed body is produced after the middleware has left the request's tenant scope: re-enter it.
    with tenant_scope(tenant):
        yield from chunks


def streaming_csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        _in_tenant_scope(get_current_tenant(), csv_chunks(header, rows)), content_type="text/csv; charset=utf-8"
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
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
