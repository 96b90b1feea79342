"""prm.files.validation.sniff(): size caps, the type read from the content (never from the name), and
zip / spreadsheet bombs refused before anything parses them."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.files.validation import XLSX_MAX_ENTRIES, XLSX_MAX_RATIO, UploadRejected, sniff
from tests.factories.populate import PNG_1x1

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>x()</script></svg>'
WORKBOOK_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/"/>',
}


def refused(upload, allowed, **kwargs):
    with pytest.raises(UploadRejected) as caught:
        sniff(upload, allowed=allowed, **kwargs)
    return caught.value.code


def workbook_with(path, big_member_size=0, *, random=False, extra_entries=0):
    """A zip that names itself an Excel workbook, plus a member of `big_member_size` bytes written in
    streamed chunks (zeros compress about 1000:1; random bytes do not compress)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in WORKBOOK_PARTS.items():
            archive.writestr(name, data)
        if big_member_size:
            chunk = 1024 * 1024
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                left = big_member_size
                while left:
                    size = min(chunk, left)
                    member.write(os.urandom(size) if random else bytes(size))
                    left -= size
        for i in range(extra_entries):
            archive.writestr(f"xl/media/part{i}.xml", b"")
    return File(open(path, "rb"), name="report.xlsx")  # noqa: SIM115 - closed by the fixture below


@pytest.fixture
def opened():
    files = []
    yield files
    for f in files:
        f.close()


# --- size --------------------------------------------------------------------------------------------


def test_an_upload_over_the_given_limit_is_refused_as_too_large():
    upload = SimpleUploadedFile("big.csv", b"sku,name\n" + b"A,B\n" * 100)
    assert refused(upload, {"csv"}, max_bytes=100) == "file_too_large"
    assert sniff(upload, allowed={"csv"}, max_bytes=upload.size).kind == "csv"


def test_an_upload_over_the_platform_limit_is_refused_as_too_large(settings):
    settings.PRM_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.csv", b"x" * 1025)
    with pytest.raises(UploadRejected) as caught:
        sniff(upload, allowed={"csv"})
    assert caught.value.code == "file_too_large"
    assert "larger than" in caught.value.message


def test_an_empty_upload_is_refused():
    assert refused(SimpleUploadedFile("empty.png", b""), {"image", "csv"}) == "empty_file"


# --- type from content -------------------------------------------------------------------------------


def test_a_real_png_is_accepted_as_an_image():
    sniffed = sniff(SimpleUploadedFile("logo.png", PNG_1x1), allowed={"image"})
    assert (sniffed.kind, sniffed.content_type, sniffed.extension) == ("image", "image/png", "png")


def test_the_name_does_not_matter_a_png_named_txt_is_still_an_image():
    assert sniff(SimpleUploadedFile("notes.txt", PNG_1x1), allowed={"image"}).content_type == "image/png"


@pytest.mark.parametrize(
    "content",
    [PDF, b"just some text, not a picture\n", SVG],
    ids=["pdf-renamed-png", "text-renamed-png", "svg"],
)
def test_content_that_is_not_a_raster_image_is_refused_as_an_image(content):
    assert refused(SimpleUploadedFile("logo.png", content), {"image"}) == "unsupported_type"


def test_a_pdf_is_accepted_only_where_pdfs_are_allowed():
    assert sniff(SimpleUploadedFile("doc.png", PDF), allowed={"pdf"}).content_type == "application/pdf"
    assert refused(SimpleUploadedFile("doc.csv", PDF), {"csv"}) == "unsupported_type"


def test_a_png_is_not_csv_whatever_its_name():
    assert refused(SimpleUploadedFile("products.csv", PNG_1x1), {"csv"}) == "unsupported_type"


def test_text_with_nul_bytes_is_not_csv():
    assert refused(SimpleUploadedFile("data.csv", b"sku,name\n\x00\x00\x01"), {"csv"}) == "unsupported_type"


# --- workbooks and zip bombs -------------------------------------------------------------------------


def test_a_real_workbook_is_accepted():
    book = openpyxl.Workbook()
    book.active.append(["sku", "name"])
    book.active.append(["AX-100", "Access switch"])
    buffer = io.BytesIO()
    book.save(buffer)
    sniffed = sniff(SimpleUploadedFile("products.xlsx", buffer.getvalue()), allowed={"xlsx"})
    assert sniffed.kind == "xlsx"


def test_a_workbook_that_expands_far_beyond_its_packed_size_is_refused_as_a_bomb(tmp_path, opened):
    # 20 MB of zeros packs to ~20 KB: under the absolute cap (200 MB) but ~1000x, far above the ratio.
    upload = workbook_with(tmp_path / "bomb.xlsx", 20 * 1024 * 1024)
    opened.append(upload)
    assert upload.size * XLSX_MAX_RATIO < 20 * 1024 * 1024
    assert refused(upload, {"xlsx"}) == "spreadsheet_bomb"


def test_a_workbook_over_the_uncompressed_size_cap_is_refused_even_at_a_harmless_ratio(tmp_path, opened, settings):
    settings.PRM_XLSX_MAX_UNCOMPRESSED_BYTES = 256 * 1024
    # Random bytes do not compress: the ratio is ~1, only the absolute cap can refuse this one.
    upload = workbook_with(tmp_path / "large.xlsx", 300 * 1024, random=True)
    opened.append(upload)
    assert refused(upload, {"xlsx"}) == "spreadsheet_bomb"
    settings.PRM_XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    assert sniff(upload, allowed={"xlsx"}).kind == "xlsx"


def test_a_huge_streamed_zero_member_is_refused_with_a_lowered_cap(tmp_path, opened, settings):
    """The classic bomb shape (hundreds of MB of zeros), scaled down with the cap so the test stays fast."""
    settings.PRM_XLSX_MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
    upload = workbook_with(tmp_path / "zeros.xlsx", 31 * 1024 * 1024)
    opened.append(upload)
    with pytest.raises(UploadRejected) as caught:
        sniff(upload, allowed={"xlsx"})
    assert caught.value.code == "spreadsheet_bomb"
    assert "expands" in caught.value.message


def test_a_workbook_with_too_many_parts_is_refused(tmp_path, opened):
    upload = workbook_with(tmp_path / "parts.xlsx", extra_entries=XLSX_MAX_ENTRIES)
    opened.append(upload)
    assert refused(upload, {"xlsx"}) == "spreadsheet_bomb"


def test_a_plain_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(SimpleUploadedFile("data.xlsx", buffer.getvalue()), {"xlsx"}) == "unsupported_type"


def test_a_corrupt_zip_is_refused():
    corrupt = b"PK\x03\x04" + b"\x14\x00\x00\x00\x08\x00" + b"garbage" * 50
    assert refused(SimpleUploadedFile("broken.xlsx", corrupt), {"xlsx"}) == "corrupt_file"


def test_a_zip_is_refused_where_workbooks_are_not_allowed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in WORKBOOK_PARTS.items():
            archive.writestr(name, data)
    assert refused(SimpleUploadedFile("data.csv", buffer.getvalue()), {"csv", "image"}) == "unsupported_type"
