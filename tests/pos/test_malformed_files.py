"""Malformed sales-out files end in a clear message, never a 500 or a crashed task.

What can be seen at upload is refused there: the service raises a DomainError with a code, the page answers
400 with the message on the file field, the API answers a JSON 422 {"code", "detail"}, and nothing is stored.
What only shows while loading ends the job as "failed" with a code and a message: nothing is loaded and the
uploader is told. Imported text is data: it is kept as sent and escaped when exported to CSV again."""

import csv
import datetime
import io
import random
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pos.models import PosImport, PosLine, PosReject
from pos.services.imports import pos_import_create
from pos.services.reading import MAX_COLUMNS
from prm.accounts.services import api_token_create
from prm.files.models import StoredFile
from prm.notifications.models import Notification
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of
from tests.pos.conftest import HEADER, STANDARD_COLUMNS, csv_file, membership, run_import

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
GOOD_LINE = "INV-{n};2026-03-02;AX-24;3;120.50;USD;Société Générale;FR\n"
XLSX_HEADER = ["Invoice No", "Invoice Date", "Part", "Qty", "Unit Price", "Currency", "Customer", "Country"]
SHEET = "xl/worksheets/sheet1.xml"
MAPPING_POST = {
    "name": "",
    "date_format": "YYYY-MM-DD",
    "decimal_separator": ".",
    "default_currency": "",
    **{f"col_{field}": str(index) for field, index in STANDARD_COLUMNS.items()},
}


# --- files ------------------------------------------------------------------------------------------------


def workbook_bytes(rows, header=XLSX_HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_member(xlsx, member, change):
    """The workbook `xlsx` with one zip member's bytes replaced by change(old bytes)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name == member else data)
    return buffer.getvalue()


def declaring_rows(declared):
    """A change to the sheet XML: the row count the sheet declares (<dimension>), which decides whether the
    load parses the sheet in memory (small) or streams it (large); None leaves the workbook as written."""

    def change(xml):
        if declared is None:
            return xml
        changed = re.sub(rb'<dimension ref="A1:([A-Z]+)[0-9]+"', rb'<dimension ref="A1:\g<1>%d"' % declared, xml)
        assert changed != xml
        return changed

    return change


# Both ways of reading a workbook's rows: in memory (a sheet declaring few rows) and streamed (a sheet
# declaring more rows than are parsed in memory).
READERS = pytest.mark.parametrize("declared", [None, 9_999_999], ids=["small_sheet", "streamed_sheet"])


def good_rows(count=3):
    return [
        [f"INV-{n}", datetime.datetime(2026, 3, 2), "AX-24", 3, 120.5, "USD", "Initech", "DE"] for n in range(count)
    ]


def zip_bomb():
    """A real workbook plus a 20 MB member of zeros that packs into a few KB."""
    buffer = io.BytesIO(workbook_bytes(good_rows()))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(20 * 1024 * 1024))
    return buffer.getvalue()


def ten_thousand_column_workbook():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([f"col{i}" for i in range(10_000)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def truncated_workbook(declared):
    """A 2,000-row workbook whose sheet XML ends three quarters of the way through."""
    whole = workbook_bytes(good_rows(2_000))
    return rewrite_member(whole, SHEET, lambda xml: declaring_rows(declared)(xml)[: len(xml) * 3 // 4])


_STYLES_NS = b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
# Minimal or odd stylesheets as some non-Excel generators write them; valid enough for Excel, LibreOffice and
# calamine, refused by openpyxl with a TypeError.
ODD_STYLESHEETS = {
    "number_format_without_code": _STYLES_NS + b'<numFmts count="1"><numFmt numFmtId="164"/></numFmts></styleSheet>',
    "empty_fill": _STYLES_NS + b'<fills count="1"><fill/></fills><cellXfs count="1"><xf fillId="0"/></cellXfs>'
    b"</styleSheet>",
    "cell_style_without_name": _STYLES_NS + b'<cellStyles count="1"><cellStyle/></cellStyles></styleSheet>',
}


def odd_stylesheet_workbook(styles, declared=None, rows=None):
    """A workbook of `rows` (three good rows by default) whose xl/styles.xml is `styles`."""
    workbook = rewrite_member(workbook_bytes(rows or good_rows()), "xl/styles.xml", lambda _: styles)
    return rewrite_member(workbook, SHEET, declaring_rows(declared))


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", b"hello")
    return buffer.getvalue()


# (file name, content, code, words of the message). Content is built lazily: some files are large.
AT_UPLOAD = {
    "binary_garbage": (
        "sales.csv",
        lambda: random.Random(4).randbytes(100_000),
        "unsupported_type",
        "not an accepted type",
    ),
    "pdf_renamed_csv": ("sales.csv", lambda: PDF, "unsupported_type", "not an accepted type"),
    "pdf_renamed_xlsx": ("sales.xlsx", lambda: PDF, "unsupported_type", "not an accepted type"),
    "xlsx_zip_bomb": ("sales.xlsx", zip_bomb, "spreadsheet_bomb", "expands to far more data"),
    "zip_that_is_not_a_workbook": (
        "sales.xlsx",
        plain_zip,
        "unsupported_type",
        "not an Excel workbook",
    ),
    "workbook_with_xml_that_is_not_xml": (
        "sales.xlsx",
        lambda: rewrite_member(workbook_bytes(good_rows()), "xl/workbook.xml", lambda _: b"\x01garbage<<"),
        "unreadable_workbook",
        "The workbook cannot be read",
    ),
    "workbook_with_a_broken_cell": (
        "sales.xlsx",
        lambda: rewrite_member(workbook_bytes(good_rows()), SHEET, lambda xml: xml.replace(b'r="A2"', b'r="??"', 1)),
        "unreadable_workbook",
        "The workbook cannot be read",
    ),
    # A small sheet is parsed whole when its layout is detected: damage anywhere in it shows at upload.
    "small_workbook_damaged_after_its_first_rows": (
        "sales.xlsx",
        lambda: truncated_workbook(declared=None),
        "unreadable_workbook",
        "The workbook cannot be read",
    ),
    # A sheet too long for calamine is streamed by openpyxl, which refuses these stylesheets (with a TypeError).
    **{
        f"streamed_workbook_with_a_stylesheet_openpyxl_refuses_{name}": (
            "sales.xlsx",
            lambda styles=styles: odd_stylesheet_workbook(styles, declared=9_999_999),
            "unreadable_workbook",
            "The workbook cannot be read (TypeError",
        )
        for name, styles in ODD_STYLESHEETS.items()
    },
    "csv_header_of_10000_columns": (
        "sales.csv",
        lambda: (";".join(f"col{i}" for i in range(10_000)) + "\n" + "x;" * 9_999 + "x\n").encode(),
        "too_many_columns",
        f"has 10000 columns; at most {MAX_COLUMNS}",
    ),
    "xlsx_header_of_10000_columns": (
        "sales.xlsx",
        ten_thousand_column_workbook,
        "too_many_columns",
        f"at most {MAX_COLUMNS} are read",
    ),
    "blank_file": ("sales.csv", lambda: b"\r\n \n\t\n", "empty_file", "The file is empty."),
    "header_without_names": ("sales.csv", lambda: b";;;\nA;B;C;D\n", "no_header", "must name the columns"),
    "first_line_longer_than_the_sample": (
        "sales.csv",
        lambda: b"a" * 300_000 + b"\n",
        "line_too_long",
        "longer than the file's first 256 KB",
    ),
}


@pytest.fixture(params=sorted(AT_UPLOAD))
def bad_file(request):
    name, make, code, words = AT_UPLOAD[request.param]
    content = make()
    return {"upload": lambda: SimpleUploadedFile(name, content), "code": code, "words": words}


def nothing_stored(world):
    with tenant_scope(world.tenant_a):
        return not PosImport.objects.exists() and not StoredFile.objects.exists()


def token_client(world, user):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=user, name="sales feed")
    return Client(HTTP_HOST=host_of(world.tenant_a), HTTP_AUTHORIZATION=f"Token {key}")


# --- refused at upload ------------------------------------------------------------------------------------


def test_a_malformed_file_is_refused_by_the_service_with_a_code_and_nothing_is_stored(world, catalog, bad_file):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_create(actor_membership=membership(world, world.pat), upload=bad_file["upload"]())

    assert refused.value.code == bad_file["code"]
    assert bad_file["words"] in refused.value.message
    assert nothing_stored(world)


def test_the_upload_page_answers_400_with_the_message_on_the_file_field(world, catalog, bad_file):
    response = world.client(world.pat).post("/pos/imports/", {"file": bad_file["upload"]()})

    assert response.status_code == 400
    assert bad_file["words"] in " ".join(response.context["form"].errors["file"])
    assert "invalid-feedback" in response.content.decode()
    assert nothing_stored(world)


def test_the_api_answers_a_json_422_with_the_code_and_the_message(world, catalog, bad_file):
    response = token_client(world, world.pat).post("/api/v1/pos/imports/", {"file": bad_file["upload"]()})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == bad_file["code"]
    assert bad_file["words"] in response.json()["detail"]
    assert nothing_stored(world)


def test_a_workbook_bigger_than_the_uncompressed_limit_is_refused_as_a_bomb(world, catalog, settings):
    settings.PRM_XLSX_MAX_UNCOMPRESSED_BYTES = 64 * 1024
    upload = SimpleUploadedFile("sales.xlsx", workbook_bytes(good_rows(2_000)))

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_create(actor_membership=membership(world, world.pat), upload=upload)

    assert refused.value.code == "spreadsheet_bomb"
    assert nothing_stored(world)


def test_an_empty_file_is_refused_everywhere_with_a_clear_message(world, catalog):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_create(actor_membership=membership(world, world.pat), upload=SimpleUploadedFile("sales.csv", b""))
    page = world.client(world.pat).post("/pos/imports/", {"file": SimpleUploadedFile("sales.csv", b"")})
    api = token_client(world, world.pat).post("/api/v1/pos/imports/", {"file": SimpleUploadedFile("sales.csv", b"")})

    assert (refused.value.code, refused.value.message) == ("empty_file", "The file is empty.")
    assert page.status_code == 400
    assert "empty" in " ".join(page.context["form"].errors["file"])
    assert api.status_code == 422
    assert (api.json()["code"], api.json()["detail"]) == ("empty_file", "The file is empty.")
    assert nothing_stored(world)


# --- failed while loading ---------------------------------------------------------------------------------


def assert_failed_and_told(world, pos_import, code, words):
    """The job failed with `code`, loaded nothing, and pat (the uploader) was told in the portal and by e-mail;
    the detail page shows the message."""
    assert pos_import.status == PosImport.Status.FAILED
    assert pos_import.error_code == code
    assert words in pos_import.error_message
    assert (pos_import.lines_read, pos_import.lines_accepted) == (0, 0)
    assert pos_import.finished_at is not None
    with tenant_scope(world.tenant_a):
        assert not PosLine.objects.exists()
        assert not PosReject.objects.exists()
        notice = Notification.objects.get(recipient=world.pat)
        file_name = pos_import.file.original_name
    assert notice.title == f"Sales report “{file_name}” of Alpha Resellers failed: nothing was loaded"
    assert notice.body == pos_import.error_message
    assert notice.link == f"/pos/imports/{pos_import.pk}/"
    assert [m.to for m in mail.outbox] == [[world.pat.email]]
    page = world.client(world.pat).get(f"/pos/imports/{pos_import.pk}/")
    assert page.status_code == 200
    assert "The import failed; nothing was loaded." in page.content.decode()
    assert words in page.content.decode()


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "big.csv"
    yield path
    path.unlink(missing_ok=True)


def write_with_one_huge_line(path, head, tail, megabytes=200):
    """The header and 12 good lines, then one line of `megabytes` MB (`head` + x… + `tail`), written in chunks."""
    chunk = b"x" * (1024 * 1024)
    with open(path, "wb") as out:
        out.write(HEADER.encode())
        for n in range(12):
            out.write(GOOD_LINE.format(n=n).encode())
        out.write(head)
        for _ in range(megabytes):
            out.write(chunk)
        out.write(tail)


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        pytest.param(b"", b"\n", id="one_200_MB_value"),
        pytest.param(b"INV-X;2026-03-02;AX-24;3;10;USD;", b";DE\n", id="a_well_formed_row_with_a_200_MB_name"),
    ],
)
def test_a_single_200_mb_line_fails_the_import_without_being_read_whole(
    world, catalog, django_capture_on_commit_callbacks, settings, big_file, head, tail
):
    settings.PRM_UPLOAD_MAX_BYTES = 300 * 1024 * 1024
    write_with_one_huge_line(big_file, head, tail)

    tracemalloc.start()
    try:
        with open(big_file, "rb") as handle:
            pos_import = run_import(world, File(handle, name="huge.csv"), capture=django_capture_on_commit_callbacks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.0f} MB held in memory"
    assert_failed_and_told(world, pos_import, "line_too_long", "Line 14 is longer than 1,000,000 characters")


def test_a_file_that_changes_encoding_after_its_first_300_kb_fails_with_mixed_encoding(
    world, catalog, django_capture_on_commit_callbacks
):
    utf8_part = HEADER + "".join(GOOD_LINE.format(n=n) for n in range(6_000))
    assert len(utf8_part.encode()) > 300 * 1024
    content = utf8_part.encode("utf-8") + b"INV-LAST;2026-03-02;AX-24;3;10;USD;Soci\xe9t\xe9 G\xe9n\xe9rale;FR\n"

    pos_import = run_import(world, SimpleUploadedFile("mixed.csv", content), capture=django_capture_on_commit_callbacks)

    assert pos_import.encoding == "utf-8"
    assert_failed_and_told(
        world, pos_import, "mixed_encoding", "Line 6002 is not utf-8 text: it mixes encodings. Save it again as UTF-8."
    )


def test_a_nul_character_past_the_upload_check_fails_the_import_naming_its_line(
    world, catalog, django_capture_on_commit_callbacks
):
    text = HEADER + "".join(GOOD_LINE.format(n=n) for n in range(2_000))
    assert len(text.encode()) > 64 * 1024  # beyond the part of the file checked at upload
    content = text.encode() + b"INV-LAST;2026-03-02;AX-24;3;10;USD;Ini\x00tech;FR\n"

    pos_import = run_import(world, SimpleUploadedFile("nul.csv", content), capture=django_capture_on_commit_callbacks)

    assert_failed_and_told(world, pos_import, "nul_character", "Line 2002 holds a NUL character")


def test_a_nul_character_escaped_in_a_workbook_fails_the_import_naming_its_line(
    world, catalog, django_capture_on_commit_callbacks
):
    rows = good_rows(3)
    rows[1][6] = "Ini-MARK-tech"
    xlsx = workbook_bytes(rows)
    member = next(
        n
        for n in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
        if b"-MARK-" in zipfile.ZipFile(io.BytesIO(xlsx)).read(n)
    )
    escaped = rewrite_member(xlsx, member, lambda xml: xml.replace(b"-MARK-", b"_x0000_"))  # Excel's escape of NUL

    pos_import = run_import(
        world,
        SimpleUploadedFile("nul.xlsx", escaped),
        columns=STANDARD_COLUMNS,
        capture=django_capture_on_commit_callbacks,
    )

    assert pos_import.file_kind == "xlsx"
    assert_failed_and_told(world, pos_import, "nul_character", "Line 3 holds a NUL character")


def test_a_streamed_workbook_damaged_after_its_first_rows_fails_the_import_as_unreadable(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(
        world,
        SimpleUploadedFile("sales.xlsx", truncated_workbook(declared=9_999_999)),
        columns=STANDARD_COLUMNS,
        capture=django_capture_on_commit_callbacks,
    )

    assert pos_import.file_kind == "xlsx"
    assert_failed_and_told(world, pos_import, "unreadable_workbook", "The workbook cannot be read")


# --- formulas are data ------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x")'


def exported_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_formula_in_a_cell_is_kept_as_data_and_exported_with_a_leading_apostrophe(
    world, catalog, django_capture_on_commit_callbacks
):
    body = (
        'INV-1;2026-03-02;AX-24;-3;120.50;USD;"=HYPERLINK(""http://x"")";DE\n'
        'INV-2;2026-03-02;NOPE;-3;120.50;USD;"=HYPERLINK(""http://x"")";DE\n'
        "@SUM(1);2026-03-02;AX-48;2;10;USD;+Initech;DE\n"
    )
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        stored = sorted(PosLine.objects.values_list("invoice_number", "quantity", "end_customer_name"))
    client = world.client(world.pat)

    lines = exported_rows(client.get("/pos/lines/export.csv"))
    page_rejects = exported_rows(client.get(f"/pos/imports/{pos_import.pk}/rejects.csv"))
    api_rejects = exported_rows(token_client(world, world.pat).get(f"/api/v1/pos/imports/{pos_import.pk}/rejects.csv"))

    assert stored == [("@SUM(1)", 2, "+Initech"), ("INV-1", -3, FORMULA)]
    header = lines[0]
    exported = sorted(
        (row[header.index("invoice_number")], row[header.index("quantity")], row[header.index("end_customer_name")])
        for row in lines[1:]
    )
    assert exported == [("'@SUM(1)", "2", "'+Initech"), ("INV-1", "-3", "'" + FORMULA)]
    assert page_rejects == api_rejects
    assert len(page_rejects) == 2
    reject = dict(zip(page_rejects[0], page_rejects[1], strict=True))
    assert (reject["line"], reject["reason_code"], reject["Invoice No"]) == ("3", "unknown_sku", "INV-2")
    assert (reject["Qty"], reject["Customer"]) == ("-3", "'" + FORMULA)


def test_a_formula_or_a_control_character_is_exported_to_xlsx_as_text(
    world, catalog, django_capture_on_commit_callbacks
):
    body = (
        'INV-1;2026-03-02;AX-24;-3;120.50;USD;"=HYPERLINK(""http://x"")";DE\n'
        + "INV-2;2026-03-02;NOPE;1;1;USD;A\x01B;DE\n"
    )
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)
    client = world.client(world.pat)

    lines = xlsx_cells(client.get("/pos/lines/export.xlsx"))
    rejects = xlsx_cells(client.get(f"/pos/imports/{pos_import.pk}/rejects.xlsx"))

    header = [cell.value for cell in lines[0]]
    customer, quantity = lines[1][header.index("end_customer_name")], lines[1][header.index("quantity")]
    assert (customer.value, customer.data_type) == (FORMULA, "s")
    assert (quantity.value, quantity.data_type) == (-3, "n")
    reject = {head.value: cell for head, cell in zip(rejects[0], rejects[1], strict=True)}
    assert (reject["line"].value, reject["reason_code"].value) == (3, "unknown_sku")
    assert reject["Customer"].value == "A_x0001_B"  # Excel's escape of the character, which Excel reads back


def xlsx_cells(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows())


# --- XLSX -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("styles", ODD_STYLESHEETS.values(), ids=ODD_STYLESHEETS.keys())
def test_a_workbook_with_a_stylesheet_openpyxl_refuses_is_loaded_through_the_page_and_the_api(
    world, catalog, django_capture_on_commit_callbacks, styles
):
    def upload(invoice):
        # Dates as text: a date cell is a number that only its style (here lost) marks as a date.
        rows = [[f"{invoice}-{n}", "2026-03-02", "AX-24", 3, 120.5, "USD", "Initech", "DE"] for n in range(3)]
        return SimpleUploadedFile("sales.xlsx", odd_stylesheet_workbook(styles, rows=rows))

    api = token_client(world, world.pat).post("/api/v1/pos/imports/", {"file": upload("API")})
    client = world.client(world.pat)
    page = client.post("/pos/imports/", {"file": upload("PAGE")})
    mapping_page = client.get(page["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        mapped = client.post(page["Location"], MAPPING_POST)

    assert (api.status_code, api.json()["status"], api.json()["header"]) == (202, "needs_mapping", XLSX_HEADER)
    assert page.status_code == 302 and mapping_page.status_code == 200
    assert "Initech" in mapping_page.content.decode()  # the preview, read by calamine
    assert mapped.status_code == 302
    with tenant_scope(world.tenant_a):
        page_import = PosImport.objects.get(pk=page["Location"].split("/")[-3])
        assert (page_import.status, page_import.lines_accepted) == ("completed", 3), page_import.reject_reasons


@READERS
def test_an_xlsx_workbook_with_date_and_number_cells_is_loaded(
    world, catalog, django_capture_on_commit_callbacks, declared
):
    rows = [
        ["INV-1", datetime.datetime(2026, 3, 2), "AX-24", 3, 120.5, "USD", "Initech GmbH", "DE"],
        ["INV-1", datetime.datetime(2026, 3, 2), "AX-48", 1, 990, "USD", "Initech GmbH", "DE"],
        ["INV-2", datetime.date(2026, 2, 27), "NW-24", -1, 120.125, "EUR", "Umbrella", "GB"],
        [None] * 8,
        ["INV-3", datetime.datetime(2026, 3, 9, 14, 30), "AX-48", 2, 5, "USD", "Hooli", "US"],
    ]
    upload = SimpleUploadedFile("sales.xlsx", rewrite_member(workbook_bytes(rows), SHEET, declaring_rows(declared)))

    # Date cells are dates whatever the template says about dates written as text.
    pos_import = run_import(world, upload, date_format="DD/MM/YYYY", capture=django_capture_on_commit_callbacks)

    assert pos_import.file_kind == "xlsx"
    assert pos_import.status == PosImport.Status.COMPLETED
    assert (pos_import.lines_read, pos_import.lines_accepted, pos_import.lines_rejected) == (4, 4, 0)
    with tenant_scope(world.tenant_a):
        loaded = [
            (line.line_number, str(line.invoice_date), line.product.sku, line.quantity, str(line.unit_price))
            for line in PosLine.objects.select_related("product").order_by("line_number")
        ]
    assert loaded == [
        (2, "2026-03-02", "AX-24", 3, "120.5000"),
        (3, "2026-03-02", "AX-48", 1, "990.0000"),
        (4, "2026-02-27", "AX-24", -1, "120.1250"),
        (6, "2026-03-09", "AX-48", 2, "5.0000"),
    ]


@READERS
def test_formula_cells_are_read_as_their_cached_values_and_never_evaluated(
    world, catalog, django_capture_on_commit_callbacks, declared
):
    rows = [
        ["INV-1", datetime.datetime(2026, 3, 2), "AX-24", "=1+1", 120.5, "USD", '=HYPERLINK("http://x","a")', "DE"],
        ["INV-2", datetime.datetime(2026, 3, 2), "AX-48", '=WEBSERVICE("http://x")', 10, "USD", "Initech", "DE"],
    ]

    def cache_values(xml):
        # As Excel saves it: the formula and the value it last computed (3, not 1+1 = 2: the cached value).
        xml = xml.replace(b'<c r="D2"><f>1+1</f><v /></c>', b'<c r="D2"><f>1+1</f><v>3</v></c>')
        xml = xml.replace(
            b'<c r="G2"><f>HYPERLINK("http://x","a")</f><v /></c>',
            b'<c r="G2" t="str"><f>HYPERLINK("http://x","a")</f><v>Initech cached</v></c>',
        )
        assert xml.count(b"<v>3</v>") == 1 and b"Initech cached" in xml
        return declaring_rows(declared)(xml)

    workbook = rewrite_member(workbook_bytes(rows), SHEET, cache_values)

    pos_import = run_import(
        world, SimpleUploadedFile("formulas.xlsx", workbook), capture=django_capture_on_commit_callbacks
    )

    assert (pos_import.status, pos_import.lines_accepted, pos_import.lines_rejected) == ("completed", 1, 1)
    with tenant_scope(world.tenant_a):
        line = PosLine.objects.get()
        reject = PosReject.objects.get()
    assert (line.quantity, line.end_customer_name) == (3, "Initech cached")
    assert (reject.line_number, reject.reason_code) == (3, "missing_quantity")  # no cached value: empty, not run
    assert not re.search(r"HYPERLINK|WEBSERVICE", str(reject.raw_values))
