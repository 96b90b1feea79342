"""CSV exports, streamed, safe to open in a spreadsheet.

Imported text is data: a cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
written with a leading apostrophe, unless it is a plain number (a return's quantity "-3" stays a number).
"""

import csv
import io
import re

from django.http import StreamingHttpResponse

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
