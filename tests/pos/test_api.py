"""The POS API: upload a file (202 + the job), poll the job, download its rejects, browse the validated lines
with filters, and send lines as JSON through the same validation as files (one result per line)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pos import selectors
from pos.models import ColumnMapping, PosImport, PosLine, PosSalesRollup
from pos.services.imports import API_MAX_LINES, pos_lines_submit, reject_reason_text
from prm.accounts.models import PartnerOrg, Role
from prm.accounts.services import api_token_create
from prm.files.models import StoredFile
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of, make_member
from tests.factories.populate import pos_line
from tests.pos.conftest import HEADER, csv_file, membership, run_import

IMPORTS = "/api/v1/pos/imports/"
LINES = "/api/v1/pos/lines/"
GOOD = (
    "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-1;2026-03-02;AX-48;1;990.00;USD;Initech GmbH;DE\n"
    "INV-2;2026-03-05;NW-24;-1;120.50;USD;Globex Corp;US\n"
)


def api(world, user, tenant=None):
    """A client of the API with `user`'s personal token, on `tenant`'s host (the user's own by default)."""
    own = world.tenant_b if user in (world.charlie, world.bea) else world.tenant_a
    with tenant_scope(own):
        _token, key = api_token_create(user=user, name="ERP feed")
    return Client(HTTP_HOST=host_of(tenant or own), HTTP_AUTHORIZATION=f"Token {key}")


def the_import(world, pk):
    with tenant_scope(world.tenant_a):
        return PosImport.objects.get(pk=pk)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def template(world, catalog, django_capture_on_commit_callbacks):
    """org1's saved template for the standard header (made by mapping a first file)."""
    run_import(world, csv_file(GOOD, name="first.csv"), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        return ColumnMapping.objects.get(partner_org=world.org1)


# --- upload -----------------------------------------------------------------------------------------------


def test_uploading_a_new_layout_answers_202_with_the_job_waiting_for_a_mapping(world, catalog):
    response = api(world, world.pat).post(IMPORTS, {"file": csv_file(GOOD)})

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["mapping"], body["file_name"]) == ("needs_mapping", None, "sales.csv")
    assert body["header"][:3] == ["Invoice No", "Invoice Date", "Part"]
    pos_import = the_import(world, body["id"])
    assert (pos_import.partner_org_id, pos_import.uploaded_by_id) == (world.org1.pk, world.pat.pk)


def test_uploading_a_known_layout_answers_202_queued_and_the_job_is_loaded(
    world, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world, world.pat).post(
            IMPORTS, {"file": csv_file("INV-8;2026-04-01;AX-48;2;990;USD;Hooli;US\n", name="april.csv")}
        )

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["mapping"]) == ("queued", str(template.pk))
    pos_import = the_import(world, response.json()["id"])
    assert (pos_import.status, pos_import.lines_accepted) == (PosImport.Status.COMPLETED, 1)


def test_uploading_with_a_mapping_id_uses_that_template(world, template):
    response = api(world, world.una).post(
        IMPORTS, {"file": csv_file("INV-8;2026-04-01;AX-48;2;990;USD;Hooli;US\n"), "mapping": str(template.pk)}
    )

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["mapping"]) == ("queued", str(template.pk))


def test_vendor_staff_upload_for_the_partner_they_name(world, catalog):
    response = api(world, world.bob).post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org2.pk)})

    assert response.status_code == 202
    assert response.json()["partner_org"] == str(world.org2.pk)
    assert the_import(world, response.json()["id"]).uploaded_by_id == world.bob.pk


def test_vendor_staff_uploading_without_a_partner_get_partner_required(world, catalog):
    response = api(world, world.alice).post(IMPORTS, {"file": csv_file(GOOD)})

    assert_error(response, 422, "partner_required")
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


def test_a_partner_naming_another_organisation_is_forbidden(world, catalog):
    response = api(world, world.pat).post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org2.pk)})

    assert_error(response, 403, "forbidden")
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


def test_an_analyst_may_not_upload(world, catalog):
    with tenant_scope(world.tenant_a):
        analyst = make_member(Role.ANALYST, email="ann@acme.test")

    response = api(world, analyst).post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org1.pk)})

    assert_error(response, 403, "forbidden")


def test_another_partners_template_is_refused(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(GOOD), user=world.otto, capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        ottos = ColumnMapping.objects.get(partner_org=world.org2)

    response = api(world, world.pat).post(IMPORTS, {"file": csv_file(GOOD), "mapping": str(ottos.pk)})

    body = assert_error(response, 422, "wrong_mapping")
    assert "another partner" in body["detail"]
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.filter(partner_org=world.org1).exists()


def test_another_tenants_template_or_partner_does_not_exist(world, catalog):
    with tenant_scope(world.tenant_b):
        globex_mapping = ColumnMapping.objects.create(
            partner_org=world.org_b, name="Gamma", header=["a"], header_signature="x", columns={}
        )

    by_mapping = api(world, world.pat).post(IMPORTS, {"file": csv_file(GOOD), "mapping": str(globex_mapping.pk)})
    by_partner = api(world, world.alice).post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org_b.pk)})

    assert "does not exist" in " ".join(assert_error(by_mapping, 422, "unprocessable")["errors"]["mapping"])
    assert "does not exist" in " ".join(assert_error(by_partner, 422, "unprocessable")["errors"]["partner"])


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        pytest.param({"partner": "org1"}, "file", id="file_missing"),
        pytest.param({"file": "INV-1;2026-03-02", "partner": "org1"}, "file", id="file_not_a_file"),
        pytest.param({"file": "csv", "partner": "not-a-uuid"}, "partner", id="partner_not_a_uuid"),
        pytest.param({"file": "csv", "partner": "org1", "mapping": "not-a-uuid"}, "mapping", id="mapping_not_a_uuid"),
    ],
)
def test_a_bad_upload_field_answers_400_naming_the_field_and_stores_nothing(world, catalog, fields, bad_field):
    values = {"csv": csv_file(GOOD), "org1": str(world.org1.pk)}
    body = {name: values.get(value, value) for name, value in fields.items()}

    response = api(world, world.alice).post(IMPORTS, body)

    assert assert_error(response, 400, "invalid")["errors"][bad_field]
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


def test_a_file_over_the_pos_upload_limit_is_refused_and_not_stored(world, catalog, settings):
    settings.PRM_POS_UPLOAD_MAX_BYTES = 100
    upload = csv_file(GOOD)
    assert upload.size > 100

    response = api(world, world.pat).post(IMPORTS, {"file": upload})

    assert "larger than" in assert_error(response, 413, "file_too_large")["detail"]
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists() and not StoredFile.objects.exists()


def test_uploading_for_an_inactive_partner_is_refused(world, catalog):
    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org2.pk).update(status=PartnerOrg.Status.INACTIVE)

    response = api(world, world.alice).post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org2.pk)})

    assert "not an active partner" in assert_error(response, 422, "inactive_partner")["detail"]
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


# --- the job and its rejects ------------------------------------------------------------------------------


@pytest.fixture
def finished(world, catalog, django_capture_on_commit_callbacks):
    body = GOOD + "INV-3;2026-03-06;NOPE;1;10;USD;Hooli;US\nINV-4;2026-03-06;AX-24;0;10;USD;Hooli;US\n"
    body += "INV-5;2026-03-06;NOPE-2;1;10;USD;Hooli;US\n"
    return run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)


def test_the_job_answers_its_status_counts_reject_reasons_and_progress(world, finished):
    response = api(world, world.pat).get(f"{IMPORTS}{finished.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert (body["lines_read"], body["lines_accepted"], body["lines_rejected"]) == (6, 3, 3)
    assert body["reject_reasons"] == {"unknown_sku": 2, "zero_quantity": 1}
    assert body["progress"] == {"phase": "completed", "percent": 100}
    assert (body["error_code"], body["file_name"]) == ("", "sales.csv")


def test_a_failed_job_answers_its_error(world, catalog, django_capture_on_commit_callbacks):
    content = (HEADER + GOOD * 4).encode() + b"INV-9;2026-03-02;AX-24;3;1;USD;" + b"x" * 1_000_001 + b";DE\n"
    failed = run_import(world, SimpleUploadedFile("long.csv", content), capture=django_capture_on_commit_callbacks)

    body = api(world, world.pat).get(f"{IMPORTS}{failed.pk}/").json()

    assert (body["status"], body["error_code"]) == ("failed", "line_too_long")
    assert body["error_message"] == "Line 14 is longer than 1,000,000 characters."
    assert (body["lines_read"], body["lines_accepted"]) == (0, 0)
    assert body["progress"] == {"phase": "failed", "percent": 100}


def test_the_rejects_file_is_csv_with_line_numbers_reasons_and_original_values(world, finished):
    response = api(world, world.pat).get(f"{IMPORTS}{finished.pk}/rejects.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="rejects-{finished.pk}.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["line", "reason_code", "reason", "Invoice No"]
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        ("5", "unknown_sku", reject_reason_text("unknown_sku"), "INV-3", "NOPE"),
        ("6", "zero_quantity", reject_reason_text("zero_quantity"), "INV-4", "AX-24"),
        ("7", "unknown_sku", reject_reason_text("unknown_sku"), "INV-5", "NOPE-2"),
    ]


def test_another_organisations_job_and_rejects_are_not_found(world, finished):
    client = api(world, world.otto)

    assert_error(client.get(f"{IMPORTS}{finished.pk}/"), 404, "not_found")
    assert client.get(f"{IMPORTS}{finished.pk}/rejects.csv").status_code == 404
    assert client.get(IMPORTS).json()["results"] == []
    assert api(world, world.una).get(f"{IMPORTS}{finished.pk}/").status_code == 200


# --- lines: browse --------------------------------------------------------------------------------------


@pytest.fixture
def lines(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    beta_body = "B-1;2026-04-01;AX-48;5;900;EUR;Umbrella Ltd;GB\nB-2;2026-02-10;AX-24;2;100;EUR;Wayne;FR\n"
    run_import(world, csv_file(beta_body), user=world.otto, capture=django_capture_on_commit_callbacks)


def invoices(response):
    assert response.status_code == 200, response.content
    return sorted((row["invoice_number"], row["sku"]) for row in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            {},
            [("B-1", "AX-48"), ("B-2", "AX-24"), ("INV-1", "AX-24"), ("INV-1", "AX-48"), ("INV-2", "AX-24")],
            id="all",
        ),
        pytest.param({"partner": "org2"}, [("B-1", "AX-48"), ("B-2", "AX-24")], id="partner"),
        pytest.param({"product": "AX-48"}, [("B-1", "AX-48"), ("INV-1", "AX-48")], id="product"),
        pytest.param({"sku": "ax-24"}, [("B-2", "AX-24"), ("INV-1", "AX-24"), ("INV-2", "AX-24")], id="sku"),
        pytest.param({"date_from": "2026-03-03"}, [("B-1", "AX-48"), ("INV-2", "AX-24")], id="date_from"),
        pytest.param({"date_to": "2026-03-02"}, [("B-2", "AX-24"), ("INV-1", "AX-24"), ("INV-1", "AX-48")], id="to"),
        pytest.param({"country": "us"}, [("INV-2", "AX-24")], id="country"),
        pytest.param(
            {"partner": "org1", "date_from": "2026-03-01", "date_to": "2026-03-04", "sku": "ax-48"},
            [("INV-1", "AX-48")],
            id="combined",
        ),
    ],
)
def test_lines_are_filtered_by_partner_product_sku_dates_and_country(world, catalog, lines, query, expected):
    ids = {"org1": world.org1.pk, "org2": world.org2.pk, "AX-48": catalog["AX-48"].pk}
    params = {key: str(ids.get(value, value)) for key, value in query.items()}

    assert invoices(api(world, world.alice).get(LINES, params)) == expected


def test_a_partner_lists_only_its_own_lines(world, lines):
    client = api(world, world.pat)

    assert invoices(client.get(LINES)) == [("INV-1", "AX-24"), ("INV-1", "AX-48"), ("INV-2", "AX-24")]
    assert invoices(client.get(LINES, {"partner": str(world.org2.pk)})) == []


def test_a_line_answers_its_fields(world, lines):
    body = api(world, world.pat).get(LINES, {"country": "US"}).json()["results"][0]

    assert (body["invoice_number"], body["invoice_date"], body["sku"], body["reported_sku"]) == (
        "INV-2",
        "2026-03-05",
        "AX-24",
        "NW-24",
    )
    assert (body["quantity"], body["unit_price"], body["currency"]) == (-1, "120.5000", "USD")
    assert (body["end_customer_name"], body["end_customer_country"], body["line_number"]) == ("Globex Corp", "US", 4)


@pytest.mark.parametrize("query", [{"date_from": "2026-02-30"}, {"partner": "nope"}, {"product": "1"}])
def test_an_invalid_filter_answers_400(world, lines, query):
    assert_error(api(world, world.alice).get(LINES, query), 400, "invalid")


# --- lines: send as JSON --------------------------------------------------------------------------------


def post_lines(client, body):
    return client.post(LINES, body, content_type="application/json")


def test_lines_sent_as_json_are_validated_like_a_file_with_a_result_per_line(world, catalog):
    sent = [
        pos_line("API-1", "AX-24"),
        pos_line("API-1", "NW-24", quantity=5, unit_price=99.5),  # numbers as JSON numbers, a part number
        pos_line("API-2", "NOPE"),
        pos_line("API-3", "AX-48", quantity=0),
        pos_line("API-4", "AX-48", invoice_date="02/03/2026"),
        pos_line("API-1", "AX-24"),  # the first line again
        pos_line("API-5", "AX-48", end_customer_country="Atlantis"),
        pos_line("API-6", "AX-48", currency=None),
        pos_line("API-7", "AX-48", quantity=-2, end_customer_country="United Kingdom"),
    ]

    response = post_lines(api(world, world.pat), {"lines": sent})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (3, 6)
    reasons = ["unknown_sku", "zero_quantity", "invalid_date", "duplicate_in_file", "unknown_country"]
    reasons.append("missing_currency")
    expected = [
        {"line": 1, "status": "accepted"},
        {"line": 2, "status": "accepted"},
        *(
            {"line": n, "status": "rejected", "reason": code, "detail": reject_reason_text(code)}
            for n, code in zip((3, 4, 5, 6, 7, 8), reasons, strict=True)
        ),
        {"line": 9, "status": "accepted"},
    ]
    assert body["results"] == expected
    with tenant_scope(world.tenant_a):
        pos_import = PosImport.objects.get(pk=body["import"])
        loaded = sorted(
            PosLine.objects.filter(pos_import=pos_import).values_list(
                "invoice_number", "product__sku", "quantity", "end_customer_country", "partner_org"
            )
        )
    assert (pos_import.source, pos_import.status, pos_import.lines_read) == ("api", "completed", 9)
    assert loaded == [
        ("API-1", "AX-24", 3, "DE", world.org1.pk),
        ("API-1", "AX-24", 5, "DE", world.org1.pk),
        ("API-7", "AX-48", -2, "GB", world.org1.pk),
    ]


def test_a_line_sent_again_later_is_rejected_as_already_loaded(world, catalog):
    client = api(world, world.pat)
    post_lines(client, {"lines": [pos_line("API-1", "AX-24")]})

    response = post_lines(client, {"lines": [pos_line("API-1", "ax-24"), pos_line("API-2", "AX-24")]})

    assert [r["status"] for r in response.json()["results"]] == ["rejected", "accepted"]
    assert response.json()["results"][0]["reason"] == "duplicate_of_loaded_line"


def test_vendor_staff_send_lines_for_the_partner_they_name(world, catalog):
    with_partner = post_lines(
        api(world, world.alice), {"partner": str(world.org2.pk), "lines": [pos_line("A", "AX-24")]}
    )
    without = post_lines(api(world, world.alice), {"lines": [pos_line("B", "AX-24")]})
    other_org = post_lines(api(world, world.pat), {"partner": str(world.org2.pk), "lines": [pos_line("C", "AX-24")]})

    assert with_partner.status_code == 201
    with tenant_scope(world.tenant_a):
        assert PosLine.objects.get().partner_org_id == world.org2.pk
    assert_error(without, 422, "partner_required")
    assert_error(other_org, 403, "forbidden")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="lines_missing"),
        pytest.param({"lines": []}, id="empty_list"),
        pytest.param({"lines": "INV-1;2026-03-02"}, id="not_a_list"),
        pytest.param({"lines": {"invoice_number": "INV-1"}}, id="an_object_not_a_list"),
        pytest.param({"lines": [pos_line("I", "AX-24"), "INV-2"]}, id="an_item_not_an_object"),
        pytest.param({"lines": [pos_line("I", "AX-24"), ["INV-2"]]}, id="an_item_that_is_a_list"),
        pytest.param({"lines": [{}] * (API_MAX_LINES + 1)}, id="more_than_10000_lines"),
    ],
)
def test_a_bad_body_answers_400_with_a_code_and_loads_nothing(world, catalog, body):
    response = post_lines(api(world, world.pat), body)

    answer = assert_error(response, 400, "invalid")
    assert answer["errors"]["lines"]
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


def test_a_nul_character_in_a_value_answers_400_naming_the_line_and_loads_nothing(world, catalog):
    body = {"lines": [pos_line("API-1", "AX-24"), pos_line("API-2", "AX-24", end_customer_name="Ini\u0000tech")]}

    response = post_lines(api(world, world.pat), body)

    answer = assert_error(response, 400, "invalid")
    assert answer["errors"]["lines"] == {"1": {"end_customer_name": ["NUL is not text."]}}
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists() and not PosLine.objects.exists()


def test_lines_for_another_tenants_partner_answer_422_and_load_nothing(world, catalog):
    body = {"partner": str(world.org_b.pk), "lines": [pos_line("API-1", "AX-24")]}

    response = post_lines(api(world, world.alice), body)

    assert "does not exist" in " ".join(assert_error(response, 422, "unprocessable")["errors"]["partner"])
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists() and not PosLine.objects.exists()


def test_a_body_that_is_not_json_answers_400(world, catalog):
    response = api(world, world.pat).post(LINES, "{lines: [", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_exactly_10000_lines_are_accepted(world, catalog):
    sent = [pos_line(f"BULK-{n}", "AX-24") for n in range(API_MAX_LINES)]

    response = post_lines(api(world, world.pat), {"lines": sent})

    assert response.status_code == 201
    assert (response.json()["accepted"], response.json()["rejected"]) == (API_MAX_LINES, 0)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        pytest.param([], "no_lines", id="empty"),
        pytest.param("INV-1", "no_lines", id="not_a_list"),
        pytest.param([pos_line("I", "AX-24"), "INV-2"], "invalid_line", id="an_item_not_an_object"),
        pytest.param([pos_line("I", "AX-24")] * (API_MAX_LINES + 1), "too_many_lines", id="too_many"),
        pytest.param([pos_line("I", "AX-24"), pos_line("I\x002", "AX-24")], "invalid_line", id="a_nul_character"),
    ],
)
def test_the_lines_service_refuses_bad_input_itself(world, catalog, lines, code):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_lines_submit(actor_membership=membership(world, world.pat), lines=lines)

    assert refused.value.code == code
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


# --- authentication ----------------------------------------------------------------------------------------


def test_another_tenants_token_is_refused_on_this_tenants_host(world, catalog):
    charlie_on_acme = api(world, world.charlie, tenant=world.tenant_a)

    for response in (
        charlie_on_acme.get(IMPORTS),
        charlie_on_acme.get(LINES),
        charlie_on_acme.post(IMPORTS, {"file": csv_file(GOOD), "partner": str(world.org1.pk)}),
        post_lines(charlie_on_acme, {"partner": str(world.org1.pk), "lines": [pos_line("X", "AX-24")]}),
    ):
        assert_error(response, 401, "authentication_failed")
    with tenant_scope(world.tenant_a):
        assert not PosImport.objects.exists()


def test_without_a_token_the_api_answers_401(world, catalog):
    anonymous = Client(HTTP_HOST=host_of(world.tenant_a))

    assert anonymous.get(IMPORTS).status_code == 401
    assert anonymous.post(LINES, {"lines": []}, content_type="application/json").status_code == 401


# --- lines: a reversed period, ordering, each line's value ------------------------------------------------


def test_a_reversed_period_answers_422_invalid_period(world, lines):
    response = api(world, world.alice).get(LINES, {"date_from": "2026-03-31", "date_to": "2026-03-01"})

    assert_error(response, 422, "invalid_period")
    assert response.json()["detail"] == "date_from is after date_to."


@pytest.mark.parametrize("page", [{"page_size": "501"}, {"page": "0"}])
def test_a_page_the_schema_refuses_answers_400_before_a_reversed_periods_422(world, lines, page):
    period = {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    response = api(world, world.alice).get(LINES, {**period, **page})

    assert_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == list(page)


def test_one_day_is_a_period(world, lines):
    assert invoices(api(world, world.alice).get(LINES, {"date_from": "2026-03-02", "date_to": "2026-03-02"})) == [
        ("INV-1", "AX-24"),
        ("INV-1", "AX-48"),
    ]


def ordered(response):
    """The lines answered, in order, as "invoice/sku"."""
    assert response.status_code == 200, response.content
    return [f"{row['invoice_number']}/{row['sku']}" for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-value", ["B-1/AX-48", "INV-1/AX-48", "INV-1/AX-24", "B-2/AX-24", "INV-2/AX-24"]),
        ("invoice_date", ["B-2/AX-24", "INV-1/AX-24", "INV-1/AX-48", "INV-2/AX-24", "B-1/AX-48"]),
        ("partner,-quantity", ["INV-1/AX-24", "INV-1/AX-48", "INV-2/AX-24", "B-1/AX-48", "B-2/AX-24"]),
    ],
)
def test_lines_are_ordered_by_the_pages_sort_keys(world, lines, ordering, expected):
    assert ordered(api(world, world.alice).get(LINES, {"ordering": ordering})) == expected


def test_without_ordering_the_newest_loaded_lines_come_first(world, lines):
    with tenant_scope(world.tenant_a):
        newest_first = [f"{line.invoice_number}/{line.product.sku}" for line in PosLine.objects.order_by("-id")]

    assert ordered(api(world, world.alice).get(LINES)) == newest_first


@pytest.mark.parametrize("ordering", ["unit_price", "invoice_number", "-", "value,nope", "partner_org__name"])
def test_an_unknown_ordering_answers_400(world, lines, ordering):
    response = api(world, world.alice).get(LINES, {"ordering": ordering})

    assert_error(response, 400, "invalid")
    assert "ordering" in response.json()["errors"]


def test_a_line_answers_its_value(world, lines):
    body = api(world, world.pat).get(LINES, {"country": "US"}).json()["results"][0]

    assert (body["quantity"], body["unit_price"], body["value"]) == (-1, "120.5000", "-120.5000")


def test_the_schema_documents_the_orderings_and_the_invalid_period(world):
    schema = world.client(world.alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][LINES]["get"]

    ordering = next(parameter for parameter in operation["parameters"] if parameter["name"] == "ordering")
    assert ordering["schema"]["items"]["enum"] == [term for key in selectors.LINE_SORTS for term in (key, f"-{key}")]
    assert "invalid_period" in operation["responses"]["422"]["description"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page == "#/components/schemas/PaginatedPosLineList"
    assert "value" in schema["components"]["schemas"]["PosLine"]["properties"]


def test_the_lines_count_comes_from_the_sales_rollup_when_it_can_answer(world, lines):
    """The pages' count is the rollup's for filters it can answer (no COUNT(*) over a million lines), the lines'
    otherwise; both agree with the lines listed."""
    client = api(world, world.alice)
    with tenant_scope(world.tenant_a):
        every_line = PosLine.objects.count()
    assert client.get(LINES).json()["count"] == every_line
    assert client.get(LINES, {"country": "GB"}).json()["count"] == 1
    with tenant_scope(world.tenant_a):  # a rollup row the lines do not know of: only the rollup's count sees it
        row = PosSalesRollup.objects.first()
        PosSalesRollup.objects.filter(pk=row.pk).update(line_count=row.line_count + 1000)
    assert client.get(LINES, {"date_from": "2026-01-01", "date_to": "2026-12-31"}).json()["count"] == every_line + 1000
    assert client.get(LINES, {"country": "GB"}).json()["count"] == 1
    with tenant_scope(world.tenant_a):
        from_the_10th = PosLine.objects.filter(invoice_date__gte="2026-02-10").count()
    assert client.get(LINES, {"date_from": "2026-02-10"}).json()["count"] == from_the_10th  # not a whole month
