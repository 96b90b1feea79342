"""Reading sales-out files: layout detection (encoding, delimiter, header) and streaming rows.

CSV files go to PostgreSQL's COPY as raw bytes when they are well formed (the fast path); anything COPY
cannot take (ragged rows, blank lines, stray quotes) is re-read here row by row. XLSX files are streamed
with openpyxl's read-only reader. Memory stays flat: nothing holds more than one chunk or one row.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_COLUMNS = 200
MAX_LINE_CHARS = 1_000_000
SAMPLE_BYTES = 256 * 1024
DELIMITERS = ",;\t|"


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
    has_bom: bool = False
    preview: list = field(default_factory=list)


def _sample_text(raw):
    """Decode the sample; a multi-byte character cut at the sample's end is not an error."""
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if has_bom else raw
    try:
        return body.decode("utf-8"), "utf-8", has_bom
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3:
            return body[: exc.start].decode("utf-8"), "utf-8", has_bom
    return body.decode("cp1252", errors="replace"), "cp1252", False


def _sniff_delimiter(first_line):
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _check_header(header):
    if not header or not any(h.strip() for h in header):
        raise FileUnreadable("no_header", "The file's first line must name the columns.")
    if len(header) > MAX_COLUMNS:
        raise FileUnreadable("too_many_columns", f"The file has {len(header)} columns; at most {MAX_COLUMNS} are read.")
    return [h.strip() for h in header]


def detect_csv(handle):
    raw = handle.read(SAMPLE_BYTES)
    if not raw.strip():
        raise FileUnreadable("empty_file", "The file is empty.")
    text, encoding, has_bom = _sample_text(raw)
    first_newline = text.find("\n")
    if first_newline < 0 and len(raw) == SAMPLE_BYTES:
        raise FileUnreadable("line_too_long", "The first line is longer than the file's first 256 KB.")
    first_line = text[: first_newline if first_newline >= 0 else len(text)]
    delimiter = _sniff_delimiter(first_line)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = _check_header(next(rows, []))
        preview = [row for _, row in zip(range(10), rows, strict=False)]
    except csv.Error as exc:
        raise FileUnreadable("malformed_csv", f"The file is not readable as CSV: {exc}.") from exc
    if len(raw) == SAMPLE_BYTES and preview:
        preview = preview[:-1]  # the last sampled row may be cut
    return Layout("csv", header, encoding, delimiter, has_bom, preview)


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


def _open_workbook(path):
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable("corrupt_file", f"The workbook cannot be read: {exc}.") from exc
    if not workbook.worksheets:
        raise FileUnreadable("empty_file", "The workbook has no sheet.")
    return workbook


def detect_xlsx(path):
    workbook = _open_workbook(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header_cells = next(rows, ())
        while header_cells and header_cells[-1] is None:
            header_cells = header_cells[:-1]
        header = _check_header([_cell_text(v) for v in header_cells])
        preview = [[_cell_text(v) for v in row[: len(header)]] for _, row in zip(range(10), rows, strict=False)]
    finally:
        workbook.close()
    return Layout("xlsx", header, preview=preview)


def _bounded_lines(text_stream):
    """Lines of the decoded file, refusing a line longer than MAX_LINE_CHARS without reading it whole."""
    number = 0
    while True:
        line = text_stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileUnreadable("line_too_long", f"Line {number} is longer than {MAX_LINE_CHARS:,} characters.")
        yield line


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
        raise FileUnreadable(
            "mixed_encoding",
            f"Near line {reader.line_num + 1} the file is not {layout.encoding} text: "
            "it mixes encodings. Save it again as UTF-8.",
        ) from exc
    except csv.Error as exc:
        raise FileUnreadable("malformed_csv", f"Line {reader.line_num}: {exc}.") from exc


def xlsx_rows(path, layout):
    workbook = _open_workbook(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, min_row=2, max_col=MAX_COLUMNS + 1)
        for number, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row]
            if any(cell.strip() for cell in cells):
                yield number, cells
    finally:
        workbook.close()
