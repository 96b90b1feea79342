"""A file narrower than a sales report (a plain text note, a file of a few columns) is refused at upload with a
clear message and a code, on the page and in the API, and nothing is stored; it never becomes a job waiting for a
one-column mapping."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pos.models import REQUIRED_FIELDS, PosImport
from pos.services.imports import pos_import_create
from pos.services.reading import MIN_COLUMNS
from prm.files.models import StoredFile
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, membership
from tests.pos.test_malformed_files import token_client

NOTE = b"Remember to send the March report before Friday.\nThanks!\n"


def workbook(header):
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["x"] * len(header))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NARROW = {
    "text_note": ("note.txt", NOTE, 1),
    "four_column_csv": ("sales.csv", b"Invoice;Date;Part;Qty\nINV-1;2026-03-02;AX-24;1\n", 4),
    "six_column_xlsx": ("sales.xlsx", workbook(["Invoice", "Date", "Part", "Qty", "Price", "Customer"]), 6),
}


@pytest.fixture(params=sorted(NARROW))
def narrow(request):
    name, content, columns = NARROW[request.param]
    return {"upload": lambda: SimpleUploadedFile(name, content), "columns": columns}


def nothing_stored(world):
    with tenant_scope(world.tenant_a):
        return not PosImport.objects.exists() and not StoredFile.objects.exists()


def test_a_sales_report_has_a_column_for_each_required_field():
    assert MIN_COLUMNS == len(REQUIRED_FIELDS) == 7


def test_the_service_refuses_a_file_with_fewer_columns_than_the_required_fields(world, catalog, narrow):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_create(actor_membership=membership(world, world.pat), upload=narrow["upload"]())

    assert refused.value.code == "too_few_columns"
    assert refused.value.status == 422
    assert f"has {narrow['columns']} column" in refused.value.message
    assert "at least 7" in refused.value.message
    assert "Invoice number, Invoice / ship date, SKU or partner part number" in refused.value.message
    assert nothing_stored(world)


def test_the_upload_page_answers_400_with_the_message_on_the_file_field(world, catalog, narrow):
    response = world.client(world.pat).post("/pos/imports/", {"file": narrow["upload"]()})

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"])
    assert f"The file has {narrow['columns']} column" in errors
    assert "a sales report has at least 7" in errors
    assert "invalid-feedback" in response.content.decode()
    assert nothing_stored(world)


def test_the_api_answers_a_json_422_with_the_code_and_the_message(world, catalog, narrow):
    response = token_client(world, world.pat).post("/api/v1/pos/imports/", {"file": narrow["upload"]()})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_few_columns"
    assert "a sales report has at least 7" in response.json()["detail"]
    assert nothing_stored(world)


def test_a_french_user_reads_the_refusal_in_french(world, catalog, in_french):
    client = in_french(world.client(world.pat))

    response = client.post("/pos/imports/", {"file": SimpleUploadedFile("note.txt", NOTE)})

    assert response.status_code == 400
    assert "Le fichier a 1 colonne" in " ".join(response.context["form"].errors["file"])


def test_a_file_of_seven_columns_waits_for_its_mapping(world, catalog):
    header = "Invoice;Date;Part;Qty;Price;Customer;Country\n"  # no currency column: the template gives one

    with tenant_scope(world.tenant_a):
        pos_import = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file("INV-1;2026-03-02;AX-24;1;10;Hooli;US\n", header=header),
        )

    assert pos_import.status == PosImport.Status.NEEDS_MAPPING
    assert len(pos_import.header) == 7
