"""The POS pages: upload → column mapping → load with a live progress bar → result, rejects file, lines
browser and export, data quality and partner part numbers — with each role seeing and doing only what it may."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils.html import escape

from pos.models import ColumnMapping, PartnerPartNumber, PosImport
from pos.services.imports import (
    ImportProgress,
    column_mapping_save,
    header_signature,
    pos_import_create,
    pos_import_run,
    reject_reason_text,
)
from prm import exports
from prm.accounts.models import Role
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.pos.conftest import HEADER, STANDARD_COLUMNS, csv_file, membership, run_import

GOOD = (
    "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-1;2026-03-02;AX-48;1;990.00;USD;Initech GmbH;DE\n"
    "INV-2;2026-03-05;NW-24;-1;120.50;USD;Globex Corp;US\n"
)
WITH_REJECTS = GOOD + (
    "INV-3;2026-03-06;NOPE;1;10;USD;Hooli;US\n"
    "INV-4;2026-03-07;GONE-9;2;10;USD;Hooli;US\n"
    "INV-5;not a date;AX-24;1;10;USD;Hooli;US\n"
)
MAPPING_POST = {
    "name": "Alpha monthly report",
    "date_format": "YYYY-MM-DD",
    "decimal_separator": ".",
    "default_currency": "",
    **{f"col_{field}": str(index) for field, index in STANDARD_COLUMNS.items()},
}


def the_import(world, **filters):
    with tenant_scope(world.tenant_a):
        return PosImport.objects.select_related("partner_org", "uploaded_by", "mapping").get(**filters)


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def text_of(response):
    return response.content.decode()


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def analyst(world):
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")


@pytest.fixture
def loaded(world, catalog, django_capture_on_commit_callbacks):
    """org1's file with 3 good lines and 3 rejects (uploaded by pat), and org2's clean file (uploaded by otto)."""
    alpha = run_import(world, csv_file(WITH_REJECTS), capture=django_capture_on_commit_callbacks)
    beta_body = "B-1;2026-04-01;AX-48;5;900;EUR;Umbrella Ltd;GB\nB-2;2026-02-10;AX-24;2;100;EUR;Wayne;FR\n"
    beta = run_import(world, csv_file(beta_body), user=world.otto, capture=django_capture_on_commit_callbacks)
    return alpha, beta


# --- upload and mapping -----------------------------------------------------------------------------------


def test_the_first_upload_of_a_new_layout_asks_for_its_mapping_showing_the_header_and_a_preview(world, catalog):
    client = world.client(world.pat)

    response = client.post("/pos/imports/", {"file": csv_file(GOOD)})

    pos_import = the_import(world)
    assert pos_import.status == PosImport.Status.NEEDS_MAPPING
    assert response.status_code == 302
    assert response["Location"] == f"/pos/imports/{pos_import.pk}/mapping/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["preview"] == [line.split(";") for line in GOOD.splitlines()]
    html = text_of(page)
    for number, name in enumerate(HEADER.strip().split(";"), start=1):
        assert f"<th>{number}. {name}</th>" in html
    assert "<td>Globex Corp</td>" in html
    assert page.context["form"].initial["col_sku"] == "2"  # "Part" is guessed as the SKU column


def test_posting_the_mapping_saves_the_template_and_loads_the_file(world, catalog, django_capture_on_commit_callbacks):
    client = world.client(world.pat)
    client.post("/pos/imports/", {"file": csv_file(GOOD)})
    pos_import = the_import(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pos/imports/{pos_import.pk}/mapping/", MAPPING_POST)

    assert response.status_code == 302
    assert response["Location"] == f"/pos/imports/{pos_import.pk}/"
    pos_import = the_import(world)
    assert (pos_import.status, pos_import.lines_accepted) == (PosImport.Status.COMPLETED, 3)
    with tenant_scope(world.tenant_a):
        mapping = ColumnMapping.objects.get()
    assert pos_import.mapping == mapping
    assert (mapping.name, mapping.columns, mapping.partner_org_id) == (
        "Alpha monthly report",
        STANDARD_COLUMNS,
        world.org1.pk,
    )
    # The next file with the same header is loaded with the template, without asking.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/pos/imports/", {"file": csv_file("INV-9;2026-04-01;AX-48;1;9;USD;X;DE\n", "b.csv")})
    second = the_import(world, file__original_name="b.csv")
    assert again["Location"] == f"/pos/imports/{second.pk}/"
    assert (second.mapping, second.status, second.lines_accepted) == (mapping, PosImport.Status.COMPLETED, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"col_end_customer_country": ""}, "Map these fields: End-customer country.", id="unmapped"),
        pytest.param({"col_reseller_name": "6"}, "is mapped twice", id="same_column_twice"),
        pytest.param({"date_format": "YY/DD/MM"}, "Select a valid choice", id="unknown_date_format"),
        pytest.param(
            {"col_currency": "", "default_currency": "US"}, "is not an ISO 4217 currency code", id="bad_currency"
        ),
        pytest.param({"decimal_separator": ";"}, "Select a valid choice", id="unknown_decimal_separator"),
        pytest.param({"col_sku": "8"}, "Select a valid choice", id="a_column_the_file_has_not"),
        pytest.param({"col_sku": "x"}, "Select a valid choice", id="a_column_that_is_not_a_number"),
        pytest.param({"name": "T" * 101}, "at most 100 characters", id="name_too_long"),
    ],
)
def test_bad_mapping_input_answers_400_with_a_message_and_the_job_keeps_waiting(
    world, catalog, django_capture_on_commit_callbacks, change, message
):
    client = world.client(world.pat)
    client.post("/pos/imports/", {"file": csv_file(GOOD)})
    pos_import = the_import(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pos/imports/{pos_import.pk}/mapping/", {**MAPPING_POST, **change})

    assert response.status_code == 400
    assert message in text_of(response)
    assert the_import(world).status == PosImport.Status.NEEDS_MAPPING
    with tenant_scope(world.tenant_a):
        assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize(
    ("user", "change", "code"),
    [
        pytest.param("pat", {"columns": {**STANDARD_COLUMNS, "colour": 8}}, "invalid_field", id="unknown_field"),
        pytest.param(
            "pat", {"columns": {**STANDARD_COLUMNS, "sku": "two"}}, "invalid_column", id="column_not_a_number"
        ),
        pytest.param("pat", {"columns": {**STANDARD_COLUMNS, "sku": 8}}, "invalid_column", id="column_out_of_range"),
        pytest.param("pat", {"columns": {**STANDARD_COLUMNS, "sku": -1}}, "invalid_column", id="negative_column"),
        pytest.param("pat", {"date_format": "YY/DD/MM"}, "invalid_date_format", id="date_format"),
        pytest.param("pat", {"decimal_separator": ";"}, "invalid_decimal_separator", id="decimal_separator"),
        pytest.param("pat", {"default_currency": "XYZ", "columns": {}}, "invalid_currency", id="default_currency"),
        pytest.param("otto", {}, "forbidden", id="another_partners_admin"),
        pytest.param("analyst", {}, "forbidden", id="an_analyst"),
    ],
)
def test_the_mapping_service_refuses_bad_input_and_who_may_not_map_itself(world, catalog, analyst, user, change, code):
    world.client(world.pat).post("/pos/imports/", {"file": csv_file(GOOD)})
    pos_import = the_import(world)
    actor = analyst if user == "analyst" else getattr(world, user)
    arguments = {"columns": STANDARD_COLUMNS, "date_format": "YYYY-MM-DD", "decimal_separator": ".", **change}

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        column_mapping_save(actor_membership=membership(world, actor), pos_import=pos_import, name="", **arguments)

    assert refused.value.code == code
    assert the_import(world).status == PosImport.Status.NEEDS_MAPPING
    with tenant_scope(world.tenant_a):
        assert not ColumnMapping.objects.exists()


def test_a_mapping_once_saved_cannot_be_posted_again(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)

    response = world.client(world.pat).post(f"/pos/imports/{pos_import.pk}/mapping/", MAPPING_POST)

    assert response.status_code == 302
    assert response["Location"] == f"/pos/imports/{pos_import.pk}/"


def test_vendor_staff_uploading_must_choose_the_partner(world, catalog):
    client = world.client(world.alice)

    without = client.post("/pos/imports/", {"file": csv_file(GOOD)})
    with_partner = client.post("/pos/imports/", {"file": csv_file(GOOD), "partner_org": str(world.org1.pk)})

    assert without.status_code == 400
    assert without.context["form"].errors["partner_org"] == ["This field is required."]
    assert with_partner.status_code == 302
    pos_import = the_import(world)
    assert (pos_import.partner_org, pos_import.uploaded_by) == (world.org1, world.alice)
    assert with_partner["Location"] == f"/pos/imports/{pos_import.pk}/mapping/"


def test_a_partner_cannot_upload_for_another_organisation(world, catalog):
    response = world.client(world.pat).post("/pos/imports/", {"file": csv_file(GOOD), "partner_org": world.org2.pk})

    assert response.status_code == 302
    assert the_import(world).partner_org == world.org1  # the field does not exist for partners: ignored


def test_an_analyst_can_view_imports_but_not_upload_or_map(world, catalog, loaded, analyst):
    alpha, beta = loaded
    with tenant_scope(world.tenant_a):
        waiting = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file("A;B;C;D;E;F;G\n1;2;3;4;5;6;7\n", header="", name="n.csv"),
        )
    client = world.client(analyst)

    listing = client.get("/pos/imports/")
    detail = client.get(f"/pos/imports/{alpha.pk}/")
    upload = client.post("/pos/imports/", {"file": csv_file(GOOD), "partner_org": str(world.org1.pk)})
    mapping = client.get(f"/pos/imports/{waiting.pk}/mapping/")
    part_number = client.post(
        "/pos/part-numbers/", {"partner_org": world.org1.pk, "partner_sku": "Z", "product_sku": "AX-24"}
    )

    assert listing.status_code == 200
    assert {imp.pk for imp in listing.context["page_obj"]} == {alpha.pk, beta.pk, waiting.pk}
    assert "Upload a report" not in text_of(listing)
    assert detail.status_code == 200
    assert (upload.status_code, mapping.status_code, part_number.status_code) == (403, 403, 403)
    with tenant_scope(world.tenant_a):
        assert PosImport.objects.count() == 3


# --- result, rejects, progress ----------------------------------------------------------------------------


def test_the_detail_page_shows_the_counts_and_the_reasons_lines_were_rejected(world, loaded):
    alpha, _beta = loaded

    html = text_of(world.client(world.pat).get(f"/pos/imports/{alpha.pk}/"))

    assert 'data-testid="lines-read">6<' in html
    assert 'data-testid="lines-accepted">3<' in html
    assert 'data-testid="lines-rejected">3<' in html
    for code in ("unknown_sku", "invalid_date"):
        assert f'{escape(reject_reason_text(code))} <code class="small">{code}</code>' in html
    assert f'href="/pos/imports/{alpha.pk}/rejects.csv"' in html


def test_the_rejects_file_has_the_line_number_the_reason_and_the_original_values(world, loaded):
    alpha, _beta = loaded

    rows = csv_rows(world.client(world.pat).get(f"/pos/imports/{alpha.pk}/rejects.csv"))

    assert rows[0] == ["line", "reason_code", "reason", *HEADER.strip().split(";")]
    original = WITH_REJECTS.splitlines()
    assert rows[1:] == [
        ["5", "unknown_sku", reject_reason_text("unknown_sku"), *original[3].split(";")],
        ["6", "unknown_sku", reject_reason_text("unknown_sku"), *original[4].split(";")],
        ["7", "invalid_date", reject_reason_text("invalid_date"), *original[5].split(";")],
    ]


def test_the_progress_partial_shows_the_bar_while_the_job_waits_or_runs_and_refreshes_once_done(world, catalog):
    header = HEADER.strip().split(";")
    with tenant_scope(world.tenant_a):
        ColumnMapping.objects.create(
            partner_org=world.org1,
            name="Alpha",
            header=header,
            header_signature=header_signature(header),
            columns=STANDARD_COLUMNS,
        )
        pos_import = pos_import_create(actor_membership=membership(world, world.pat), upload=csv_file(GOOD))
    client = world.client(world.pat)
    url = f"/pos/imports/{pos_import.pk}/progress/"

    queued = client.get(url)
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=pos_import.pk).update(status=PosImport.Status.RUNNING)
    with tenant_scope(world.tenant_a):  # as in the worker: the progress is cached in the tenant's key space
        progress = ImportProgress(pos_import.pk, total_bytes=1000)
        progress(bytes_read=500)
    running = client.get(url)
    with tenant_scope(world.tenant_a):
        progress(phase="validating", lines_read=1200, lines_valid=1150, lines_rejected=50)
    checking = client.get(url)
    detail_while_running = client.get(f"/pos/imports/{pos_import.pk}/")
    with tenant_scope(world.tenant_a):
        pos_import_run(import_id=pos_import.pk)
    done = client.get(url)

    assert pos_import.status == PosImport.Status.QUEUED
    assert queued.status_code == 200 and "HX-Refresh" not in queued
    assert 'role="progressbar"' in text_of(queued) and "Waiting for a worker" in text_of(queued)
    assert running.status_code == 200 and "HX-Refresh" not in running
    assert 'aria-valuenow="35"' in text_of(running) and "Reading the file" in text_of(running)
    assert 'data-testid="progress-counts"' not in text_of(running)
    assert "Checking every line" in text_of(checking)
    assert "1,200 lines read: 1,150 valid, 50 rejected" in text_of(checking)
    assert f'hx-get="{url}"' in text_of(detail_while_running)
    assert done.status_code == 200
    assert done["HX-Refresh"] == "true"
    assert 'role="progressbar"' not in text_of(done)
    assert the_import(world).status == PosImport.Status.COMPLETED


# --- partners see only their own -------------------------------------------------------------------------


def test_a_partner_sees_only_its_own_organisations_imports_and_lines(world, loaded):
    alpha, beta = loaded
    with tenant_scope(world.tenant_a):
        waiting = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file("A;B;C;D;E;F;G\n1;2;3;4;5;6;7\n", header="", name="n.csv"),
        )
    otto, una = world.client(world.otto), world.client(world.una)

    for path in ("", "rejects.csv", "progress/"):
        assert otto.get(f"/pos/imports/{alpha.pk}/{path}").status_code == 404
    assert otto.get(f"/pos/imports/{waiting.pk}/mapping/").status_code == 404
    assert otto.post(f"/pos/imports/{waiting.pk}/mapping/", MAPPING_POST).status_code == 404
    assert [imp.pk for imp in otto.get("/pos/imports/").context["page_obj"]] == [beta.pk]
    assert {line.invoice_number for line in otto.get("/pos/lines/").context["page_obj"]} == {"B-1", "B-2"}
    otto_export = csv_rows(otto.get("/pos/lines/export.csv"))
    assert sorted(row[1] for row in otto_export[1:]) == ["B-1", "B-2"]
    # A colleague in the same organisation sees it.
    assert una.get(f"/pos/imports/{alpha.pk}/").status_code == 200
    assert {imp.pk for imp in una.get("/pos/imports/").context["page_obj"]} == {alpha.pk, waiting.pk}


# --- lines: filters and export ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "invoices"),
    [
        pytest.param({}, {"INV-1", "INV-2", "B-1", "B-2"}, id="all"),
        pytest.param({"partner_org": "org2"}, {"B-1", "B-2"}, id="partner"),
        pytest.param({"sku": "ax-48"}, {"INV-1", "B-1"}, id="sku"),
        pytest.param({"date_from": "2026-03-03", "date_to": "2026-03-31"}, {"INV-2"}, id="date_range"),
        pytest.param({"date_from": "2026-03-05"}, {"INV-2", "B-1"}, id="date_from"),
        pytest.param({"country": "fr"}, {"B-2"}, id="country"),
        pytest.param({"partner_org": "org1", "sku": "AX-24", "country": "US"}, {"INV-2"}, id="combined"),
    ],
)
def test_vendor_staff_filter_the_lines_and_export_the_same_selection(world, loaded, query, invoices):
    orgs = {"org1": str(world.org1.pk), "org2": str(world.org2.pk)}
    params = {key: orgs.get(value, value) for key, value in query.items()}
    client = world.client(world.alice)

    page = client.get("/pos/lines/", params)
    export = csv_rows(client.get("/pos/lines/export.csv", params))
    sheet = xlsx_rows(client.get("/pos/lines/export.xlsx", params))

    assert page.status_code == 200
    assert {line.invoice_number for line in page.context["page_obj"]} == invoices
    assert export[0][:2] == ["partner", "invoice_number"]
    assert {row[1] for row in export[1:]} == invoices
    assert len(export) - 1 == len(page.context["page_obj"])
    assert sheet[0] == tuple(export[0])
    assert sorted((row[1], row[3], row[5]) for row in sheet[1:]) == sorted(
        (row[1], row[3], int(row[5])) for row in export[1:]
    )
    assert all(isinstance(row[2], datetime.datetime) and isinstance(row[6], float | int) for row in sheet[1:])


def test_an_export_too_big_for_a_spreadsheet_sends_back_to_the_page_with_a_message(world, loaded, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    client = world.client(world.alice)

    refused = client.get("/pos/lines/export.xlsx", {"country": ""}, follow=True)
    fits = client.get("/pos/lines/export.xlsx", {"partner_org": str(world.org2.pk)})

    assert refused.redirect_chain == [("/pos/lines/?country=", 302)]
    assert "5 rows are more than a spreadsheet holds (3): narrow the filters, or export CSV." in text_of(refused)
    assert len(xlsx_rows(fits)) == 3


def test_a_partner_filters_only_within_its_own_lines(world, loaded):
    client = world.client(world.pat)

    page = client.get("/pos/lines/", {"sku": "AX-48", "partner_org": str(world.org2.pk)})

    assert "partner_org" not in page.context["form"].fields
    assert {line.invoice_number for line in page.context["page_obj"]} == {"INV-1"}


@pytest.mark.parametrize(
    "query",
    [{"date_from": "2026-13-45"}, {"date_to": "yesterday"}, {"partner_org": "not-a-uuid"}, {"country": "FRA"}],
    ids=["bad_date_from", "bad_date_to", "bad_partner", "bad_country"],
)
def test_invalid_filter_input_answers_400_on_the_list_and_the_export(world, loaded, query):
    client = world.client(world.alice)

    page = client.get("/pos/lines/", query)
    exported = [client.get("/pos/lines/export.csv", query), client.get("/pos/lines/export.xlsx", query)]

    assert page.status_code == 400
    field = next(iter(query))
    assert page.context["form"].errors[field]
    for export in exported:
        assert export.status_code == 400
        assert export["Content-Type"].startswith("text/html")
        assert 'class="invalid-feedback d-block"' in text_of(export)


# --- data quality ------------------------------------------------------------------------------------------


def test_data_quality_shows_each_partners_accept_rate_and_top_reject_reasons(world, loaded, analyst):
    staff = world.client(world.alice).get("/pos/quality/")
    partner = world.client(world.pat).get("/pos/quality/")
    read_only = world.client(analyst).get("/pos/quality/")

    rows = {row["name"]: row for row in staff.context["rows"]}
    assert set(rows) == {"Alpha Resellers", "Beta Distribution"}
    alpha, beta = rows["Alpha Resellers"], rows["Beta Distribution"]
    assert (alpha["files"], alpha["read"], alpha["accepted"], alpha["rejected"]) == (1, 6, 3, 3)
    assert alpha["accept_rate"] == 0.5 and beta["accept_rate"] == 1.0
    assert [(code, n) for code, _text, n in alpha["top_reasons"]] == [("unknown_sku", 2), ("invalid_date", 1)]
    assert beta["top_reasons"] == []
    html = text_of(staff)
    assert 'data-testid="accept-rate">50%<' in html and 'data-testid="accept-rate">100%<' in html
    assert f"{escape(reject_reason_text('unknown_sku'))} — 2" in html
    assert [row["name"] for row in partner.context["rows"]] == ["Alpha Resellers"]
    assert "Beta Distribution" not in text_of(partner)
    assert read_only.status_code == 200 and len(read_only.context["rows"]) == 2


# --- partner part numbers ---------------------------------------------------------------------------------


def test_a_part_number_added_on_the_page_is_used_by_the_next_import(world, catalog, django_capture_on_commit_callbacks):
    client = world.client(world.pat)

    response = client.post("/pos/part-numbers/", {"partner_sku": " ALPHA-48 ", "product_sku": "ax-48"})
    pos_import = run_import(
        world, csv_file("INV-7;2026-03-02;alpha-48;4;990;USD;Initech;DE\n"), capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        number = PartnerPartNumber.objects.select_related("product").get(partner_sku="ALPHA-48")
        line = pos_import.lines.select_related("product").get()
    assert (number.partner_org_id, number.product.sku) == (world.org1.pk, "AX-48")
    assert "ALPHA-48" in text_of(client.get("/pos/part-numbers/"))
    assert (pos_import.lines_accepted, line.product.sku, line.reported_sku) == (1, "AX-48", "alpha-48")


def test_vendor_staff_add_a_part_number_for_the_partner_they_choose(world, catalog):
    client = world.client(world.alice)

    without = client.post("/pos/part-numbers/", {"partner_sku": "B-48", "product_sku": "AX-48"})
    with_partner = client.post(
        "/pos/part-numbers/", {"partner_org": str(world.org2.pk), "partner_sku": "B-48", "product_sku": "AX-48"}
    )

    assert without.status_code == 400
    assert with_partner.status_code == 302
    with tenant_scope(world.tenant_a):
        assert PartnerPartNumber.objects.get(partner_sku="B-48").partner_org_id == world.org2.pk


@pytest.mark.parametrize(
    ("form", "message"),
    [
        pytest.param({"partner_sku": "ALPHA-1", "product_sku": "NOPE-1"}, "No product has the SKU", id="unknown_sku"),
        pytest.param({"partner_sku": "nw-24", "product_sku": "AX-48"}, "is already mapped for Alpha", id="duplicate"),
        pytest.param({"partner_sku": "", "product_sku": "AX-48"}, "This field is required.", id="empty"),
        pytest.param({"partner_sku": "   ", "product_sku": "AX-48"}, "This field is required.", id="blank"),
        pytest.param({"partner_sku": "X" * 65, "product_sku": "AX-48"}, "at most 64 characters", id="too_long"),
    ],
)
def test_a_bad_part_number_answers_400_with_a_message_and_saves_nothing(world, catalog, form, message):
    response = world.client(world.pat).post("/pos/part-numbers/", form)

    assert response.status_code == 400
    assert message in text_of(response)
    with tenant_scope(world.tenant_a):
        assert list(PartnerPartNumber.objects.values_list("partner_sku", flat=True)) == ["NW-24"]
