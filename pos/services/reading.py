"""Reading sales-out files: layout detection (encoding, delimiter, header) and streaming rows.

CSV files go to PostgreSQL's COPY as raw bytes when they are well formed (the fast path); anything COPY
cannot take (ragged rows, blank lines, stray quotes) is re-read here row by row. XLSX files are parsed by
calamine when small, streamed by openpyxl's read-only reader when large (_sheet_rows). Memory stays flat: nothing
holds more than one chunk, one row or one small sheet.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from pos.models import REQUIRED_FIELDS

MAX_COLUMNS = 200
MIN_COLUMNS = len(REQUIRED_FIELDS)  # one per required field; the currency may be the template's default
MAX_LINE_CHARS = 1_000_000
SAMPLE_BYTES = 256 * 1024
DELIMITERS = ",;\t|"
XLSX_IN_MEMORY_ROWS = 150_000
XLSX_IN_MEMORY_XML_BYTES = 80 * 1024 * 1024
DIMENSION = re.compile(r"<dimension ref=\"[A-Z]+[0-9]+:[A-Z]+([0-9]+)\"")


class FileUnreadable(Exception):
    """The file cannot be read as a sales-out report. `code` for machines, message for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Layout:
    kind: str  # "csv" or "xlsx"
    header: list
    encoding: str = "utf-8"
    delimiter: str = ","
    preview: list = field(default_factory=list)


def _sample_text(raw):
    """Decode the sample (a UTF-8 byte-order mark left out); a multi-byte character cut at the sample's end is not
    an error."""
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3:
            return body[: exc.start].decode("utf-8"), "utf-8"
    return body.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(first_line):
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _check_header(header):
    if not header or not any(h.strip() for h in header):
        raise FileUnreadable("no_header", _("The file's first line must name the columns."))
    if len(header) > MAX_COLUMNS:
        message = _("The file has %(count)d columns; at most %(max)d are read.") % {
            "count": len(header),
            "max": MAX_COLUMNS,
        }
        raise FileUnreadable("too_many_columns", message)
    if len(header) < MIN_COLUMNS:
        raise _too_few_columns(len(header))
    return [h.strip() for h in header]


def _too_few_columns(count):
    """A note or any file narrower than a sales report: refused at upload, not read as a one-column report."""
    message = ngettext(
        "The file has %(count)d column; a sales report has at least %(min)d, one for each of: %(fields)s. "
        "Its first line names the columns, separated by commas, semicolons, tabs or |.",
        "The file has %(count)d columns; a sales report has at least %(min)d, one for each of: %(fields)s. "
        "Its first line names the columns, separated by commas, semicolons, tabs or |.",
        count,
    ) % {"count": count, "min": MIN_COLUMNS, "fields": ", ".join(str(f.label) for f in REQUIRED_FIELDS)}
    return FileUnreadable("too_few_columns", message)


def detect_csv(handle):
    raw = handle.read(SAMPLE_BYTES)
    if not raw.strip():
        raise FileUnreadable("empty_file", _("The file is empty."))
    text, encoding = _sample_text(raw)
    first_newline = text.find("\n")
    if first_newline < 0 and len(raw) == SAMPLE_BYTES:
        raise FileUnreadable("line_too_long", _("The first line is longer than the file's first 256 KB."))
    first_line = text[: first_newline if first_newline >= 0 else len(text)]
    delimiter = _sniff_delimiter(first_line)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = _check_header(next(rows, []))
        preview = [row for _index, row in zip(range(10), rows, strict=False)]
    except csv.Error as exc:
        message = _("The file is not readable as CSV: %(error)s.") % {"error": exc}
        raise FileUnreadable("malformed_csv", message) from exc
    if len(raw) == SAMPLE_BYTES and preview:
        preview = preview[:-1]  # the last sampled row may be cut
    return Layout("csv", header, encoding, delimiter, preview)


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unreadable_workbook(exc):
    return FileUnreadable(
        "unreadable_workbook",
        _(
            "The workbook cannot be read (%(error)s). "
            "Save it again from Excel or LibreOffice, or export the report as CSV."
        )
        % {"error": f"{exc.__class__.__name__}: {exc}"},
    )


def detect_xlsx(handle):
    """The first sheet's header and preview, read by the reader that will load it (_sheet_rows)."""
    rows = _sheet_rows(handle)
    try:
        header_cells = list(next(rows, ()))[: MAX_COLUMNS + 1]
        while header_cells and header_cells[-1] in (None, ""):
            header_cells.pop()
        header = _check_header([_cell_text(v) for v in header_cells])
        preview = [[_cell_text(v) for v in row[: len(header)]] for _, row in zip(range(10), rows, strict=False)]
    finally:
        rows.close()
    return Layout("xlsx", header, preview=preview)


class LineLengthGuard:
    """Follows a raw byte stream chunk by chunk and tells when a physical line is longer than `limit`
    bytes, so the raw COPY fast path can stop early instead of sending PostgreSQL a line it would buffer
    whole (the exact rule, in characters, is then applied by `_bounded_lines`)."""

    def __init__(self, limit=MAX_LINE_CHARS):
        self.limit = limit
        self.carried = 0  # bytes of the line still open at the end of the previous chunk

    def _last_break(self, chunk, start, end=None):
        end = len(chunk) if end is None else end
        return max(chunk.rfind(b"\n", start, end), chunk.rfind(b"\r", start, end))

    def feed(self, chunk):
        """False once a line longer than the limit has been seen."""
        line_start = -self.carried  # where the open line began, relative to this chunk
        while line_start + self.limit < len(chunk):  # the chunk holds this line's byte number limit + 1
            found = self._last_break(chunk, max(line_start, 0), line_start + self.limit + 1)
            if found < 0:
                return False
            line_start = found + 1
        found = self._last_break(chunk, max(line_start, 0))
        if found >= 0:
            line_start = found + 1
        self.carried = len(chunk) - line_start
        return True


def _bounded_lines(text_stream):
    """Lines of the decoded file, refusing a line longer than MAX_LINE_CHARS without reading it whole, and a
    line holding a NUL character."""
    number = 0
    while True:
        line = text_stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            message = _("Line %(line)d is longer than %(max)s characters.") % {
                "line": number,
                "max": number_format(MAX_LINE_CHARS, force_grouping=True),
            }
            raise FileUnreadable("line_too_long", message)
        if "\x00" in line:
            raise nul_character(number)
        yield line


def nul_character(line_number):
    """A NUL character: binary data, which no report carries as text (and PostgreSQL cannot store in text)."""
    return FileUnreadable(
        "nul_character",
        _("Line %(line)s holds a NUL character: binary data, not text. Export the report again from its source.")
        % {"line": line_number},
    )


def _first_undecodable_line(binary_handle, encoding):
    """The number of the file's first physical line that is not text in `encoding` (the decoder of the
    reading above works ahead, so the reader's own count can be lines short of it). Read again from the start,
    as Latin-1 — every byte is a character — split at the same line ends, and each line decoded alone."""
    binary_handle.seek(0)
    lines = io.TextIOWrapper(binary_handle, encoding="latin-1", newline="")
    number = 0
    for number, line in enumerate(_bounded_lines(lines), start=1):
        try:
            line.encode("latin-1").decode(encoding)
        except UnicodeDecodeError:
            return number
    return number


def csv_rows(binary_handle, layout):
    """(line number, cells) for every non-blank row after the header. The line number is the row's
    position in the file, the header being line 1."""
    text = io.TextIOWrapper(
        binary_handle, encoding="utf-8-sig" if layout.encoding == "utf-8" else "cp1252", errors="strict", newline=""
    )
    reader = csv.reader(_bounded_lines(text), delimiter=layout.delimiter)
    try:
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            if row and any(cell.strip() for cell in row):
                yield number, row
    except UnicodeDecodeError as exc:
        line = _first_undecodable_line(binary_handle, layout.encoding)
        raise FileUnreadable(
            "mixed_encoding",
            _("Line %(line)d is not %(encoding)s text: it mixes encodings. Save it again as UTF-8.")
            % {"line": line, "encoding": layout.encoding},
        ) from exc
    except csv.Error as exc:
        raise FileUnreadable(
            "malformed_csv", _("Line %(line)d: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from exc


def _fits_in_memory(handle):
    """Whether the first sheet is small enough to parse whole: by the row count it declares
    (<dimension ref="A1:J1000">, which Excel writes), else by the size of its XML."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            if not names:
                return False
            with archive.open(names[0]) as sheet:
                head = sheet.read(4096).decode("utf-8", errors="replace")
            xml_size = archive.getinfo(names[0]).file_size
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    finally:
        handle.seek(0)
    match = DIMENSION.search(head)
    if match and int(match.group(1)) > 1:
        return int(match.group(1)) <= XLSX_IN_MEMORY_ROWS
    return xml_size <= XLSX_IN_MEMORY_XML_BYTES


def _calamine_rows(handle):
    workbook = CalamineWorkbook.from_filelike(handle)
    if not workbook.sheet_names:
        raise FileUnreadable("empty_file", _("The workbook has no sheet."))
    yield from workbook.get_sheet_by_index(0).iter_rows()


def _openpyxl_rows(handle):
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise FileUnreadable("empty_file", _("The workbook has no sheet."))
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
    finally:
        workbook.close()


def _sheet_rows(handle):
    """The first sheet's rows. Sheets of up to XLSX_IN_MEMORY_ROWS rows are parsed by calamine (Rust; about 15
    times faster, but it holds the sheet in memory, and it reads stylesheets openpyxl refuses); longer ones are
    streamed by openpyxl, so that memory stays flat whatever the size. Whatever a reader raises on a file it cannot
    read is an `unreadable_workbook` error, never an internal error."""
    rows = _calamine_rows(handle) if _fits_in_memory(handle) else _openpyxl_rows(handle)
    try:
        yield from rows
    except FileUnreadable:
        raise
    except Exception as exc:  # third-party parsers of uploaded files raise any type (openpyxl: TypeError)
        raise _unreadable_workbook(exc) from exc
    finally:
        rows.close()


def xlsx_rows(handle, layout):
    """(line number, cells) for every non-blank row after the header (_sheet_rows reads them)."""
    rows = _sheet_rows(handle)
    next(rows, None)  # the header
    for number, row in enumerate(rows, start=2):
        cells = [v if v.__class__ is str else _cell_text(v) for v in row[: MAX_COLUMNS + 1]]
        if any(cell.strip() for cell in cells if cell):
            yield number, cells
