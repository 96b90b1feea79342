"""The load's rules, on real files through the real code path (upload → mapping → Celery task → COPY →
SQL validation → repeats marked → insert, guarded by the identity index → rejects)."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from psycopg.errors import ProgrammingError

from pos.models import PosImport, PosLine, PosReject
from pos.selectors import progress_key
from pos.services import imports, pipeline
from pos.services.imports import pos_lines_submit
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.factories.populate import pos_line
from tests.pos.conftest import HEADER, STANDARD_COLUMNS, csv_file, membership, run_import

GOOD = (
    "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-1;2026-03-02;AX-48;1;990.00;USD;Initech GmbH;DE\n"
    "INV-2;2026-03-05;NW-24;-1;120.50;USD;Globex   Corp ;United States\n"
)


def lines_of(world, pos_import):
    with tenant_scope(world.tenant_a):
        return list(PosLine.objects.filter(pos_import=pos_import).select_related("product").order_by("line_number"))


def rejects_of(world, pos_import):
    with tenant_scope(world.tenant_a):
        return {r.line_number: r.reason_code for r in PosReject.objects.filter(pos_import=pos_import)}


def test_a_clean_file_is_loaded_with_partner_part_numbers_and_returns_resolved(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)

    assert pos_import.status == PosImport.Status.COMPLETED
    assert (pos_import.lines_read, pos_import.lines_accepted, pos_import.lines_rejected) == (3, 3, 0)
    lines = lines_of(world, pos_import)
    assert [line.line_number for line in lines] == [2, 3, 4]
    returned = lines[2]
    assert returned.product == catalog["AX-24"] and returned.reported_sku == "NW-24"
    assert returned.quantity == -1
    assert (returned.end_customer_name, returned.end_customer_key, returned.end_customer_country) == (
        "Globex   Corp",
        "globex",  # prm.companies.company_key: the legal form goes
        "US",
    )
    assert str(lines[0].unit_price) == "120.5000" and lines[0].currency == "USD"
    assert all(line.partner_org_id == world.org1.pk for line in lines)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (";2026-03-02;AX-24;3;10;USD;Initech;DE", "missing_invoice_number"),
        ("INV-9;;AX-24;3;10;USD;Initech;DE", "missing_invoice_date"),
        ("INV-9;2026-02-30;AX-24;3;10;USD;Initech;DE", "invalid_date"),
        ("INV-9;02/03/2026;AX-24;3;10;USD;Initech;DE", "invalid_date"),
        ("INV-9;2026-03-02;AX-24;2.5;10;USD;Initech;DE", "invalid_quantity"),
        ("INV-9;2026-03-02;AX-24;three;10;USD;Initech;DE", "invalid_quantity"),
        ("INV-9;2026-03-02;AX-24;0;10;USD;Initech;DE", "zero_quantity"),
        ("INV-9;2026-03-02;AX-24;3;-10;USD;Initech;DE", "invalid_unit_price"),
        ("INV-9;2026-03-02;AX-24;3;ten;USD;Initech;DE", "invalid_unit_price"),
        ("INV-9;2026-03-02;AX-24;3;10;XYZ;Initech;DE", "invalid_currency"),
        ("INV-9;2026-03-02;NOPE;3;10;USD;Initech;DE", "unknown_sku"),
        ("INV-9;2026-03-02;OLD-1;3;10;USD;Initech;DE", "inactive_product"),
        ("INV-9;2026-03-02;AX-24;3;10;USD;Initech;Atlantis", "unknown_country"),
        ("INV-9;2026-03-02;AX-24;3;10;USD;;DE", "missing_end_customer_name"),
        ("INV-9;2026-03-02;AX-24;3;10;USD;Initech", "wrong_column_count"),
        ("INV-9;2026-03-02;AX-24;3;10;USD;Initech;DE;extra", "wrong_column_count"),
        (f"{'X' * 65};2026-03-02;AX-24;3;10;USD;Initech;DE", "value_too_long"),
    ],
)
def test_a_bad_line_is_rejected_with_its_reason_and_never_blocks_the_good_lines(
    world, catalog, django_capture_on_commit_callbacks, line, reason
):
    pos_import = run_import(world, csv_file(GOOD + line + "\n"), capture=django_capture_on_commit_callbacks)

    assert pos_import.status == PosImport.Status.COMPLETED
    assert (pos_import.lines_read, pos_import.lines_accepted, pos_import.lines_rejected) == (4, 3, 1)
    assert rejects_of(world, pos_import) == {5: reason}
    assert pos_import.reject_reasons == {reason: 1}
    with tenant_scope(world.tenant_a):
        reject = PosReject.objects.get(pos_import=pos_import)
    assert [value or "" for value in reject.raw_values[:3]] == line.split(";")[:3]


def test_the_same_line_twice_in_a_file_is_rejected_the_second_time(world, catalog, django_capture_on_commit_callbacks):
    body = GOOD + "INV-1;2026-03-02;AX-24;3;120.5;USD;Initech GmbH;DE\n"  # line 5 repeats line 2 (120.5 = 120.50)
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)

    assert (pos_import.lines_accepted, pos_import.lines_rejected) == (3, 1)
    assert rejects_of(world, pos_import) == {5: "duplicate_in_file"}


def test_the_progress_counts_lines_read_valid_and_rejected_repeats_included(
    world, catalog, django_capture_on_commit_callbacks
):
    body = GOOD + "INV-1;2026-03-02;AX-24;3;120.5;USD;Initech GmbH;DE\n" + "INV-9;2026-13-45;AX-24;1;1;USD;X;DE\n"
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)

    with tenant_scope(world.tenant_a):  # the progress is cached in the tenant's key space
        progress = cache.get(progress_key(pos_import.pk))
    assert (pos_import.lines_read, pos_import.lines_accepted, pos_import.lines_rejected) == (5, 3, 2)
    assert (progress["lines_read"], progress["lines_valid"], progress["lines_rejected"]) == (5, 3, 2)


def test_the_identity_index_refuses_a_second_copy_of_a_loaded_line(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    line = lines_of(world, pos_import)[0]
    line.pk, line.line_number, line.invoice_number = None, 99, line.invoice_number.upper()  # same invoice key

    with tenant_scope(world.tenant_a), pytest.raises(IntegrityError, match="pos_line_identity"), transaction.atomic():
        line.save(force_insert=True)


def test_the_same_sku_twice_on_an_invoice_with_other_quantities_are_two_lines(
    world, catalog, django_capture_on_commit_callbacks
):
    body = GOOD + "INV-1;2026-03-02;AX-24;5;120.50;USD;Initech GmbH;DE\n"
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)

    assert (pos_import.lines_accepted, pos_import.lines_rejected) == (4, 0)


def test_lines_already_loaded_from_an_earlier_file_are_rejected_as_duplicates(
    world, catalog, django_capture_on_commit_callbacks
):
    first = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    second_body = "inv-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\nINV-3;2026-03-09;AX-48;2;990;USD;Umbrella;GB\n"
    second = run_import(world, csv_file(second_body, name="april.csv"), capture=django_capture_on_commit_callbacks)

    assert first.lines_accepted == 3
    assert (second.lines_read, second.lines_accepted, second.lines_rejected) == (2, 1, 1)
    assert rejects_of(world, second) == {2: "duplicate_of_loaded_line"}
    with tenant_scope(world.tenant_a):
        assert PosLine.objects.count() == 4


def test_uploading_the_same_file_again_changes_nothing_and_says_so(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        imports_before, lines_before = PosImport.objects.count(), PosLine.objects.count()

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        run_import(world, csv_file(GOOD, name="renamed.csv"), capture=django_capture_on_commit_callbacks)

    assert refused.value.code == "duplicate_file"
    assert "nothing changed" in refused.value.message
    with tenant_scope(world.tenant_a):
        assert (PosImport.objects.count(), PosLine.objects.count()) == (imports_before, lines_before)


def test_an_upload_racing_another_of_the_same_file_is_refused_by_the_unique_constraint(
    world, catalog, django_capture_on_commit_callbacks, monkeypatch
):
    first = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    checks = []

    def check_too_early_to_see_the_first(partner_org, sha):  # the other request had not committed yet
        checks.append(sha)
        if len(checks) > 1:
            real_check(partner_org, sha)

    real_check = imports._refuse_same_file
    monkeypatch.setattr(imports, "_refuse_same_file", check_too_early_to_see_the_first)
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        run_import(world, csv_file(GOOD, name="again.csv"), capture=django_capture_on_commit_callbacks)

    assert (refused.value.code, refused.value.status) == ("duplicate_file", 409)
    assert f"already uploaded on {first.created_at:%Y-%m-%d}" in refused.value.message
    assert checks == [first.file_sha256] * 2
    with tenant_scope(world.tenant_a):
        assert PosImport.objects.get() == first


def test_the_same_file_may_be_sent_again_after_a_failed_job_or_by_another_partner(
    world, catalog, django_capture_on_commit_callbacks
):
    first = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):  # as a job that failed: it loaded nothing
        PosLine.objects.filter(pos_import=first).delete()
        PosImport.objects.filter(pk=first.pk).update(status=PosImport.Status.FAILED, lines_read=0, lines_accepted=0)
    again = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    other = run_import(world, csv_file(GOOD), user=world.otto, capture=django_capture_on_commit_callbacks)

    assert again.file_sha256 == other.file_sha256 == first.file_sha256
    assert again.status == other.status == PosImport.Status.COMPLETED


def test_another_partners_identical_line_is_not_a_duplicate(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    other = run_import(
        world, csv_file(GOOD.replace("NW-24", "AX-24")), user=world.otto, capture=django_capture_on_commit_callbacks
    )

    assert (other.lines_accepted, other.lines_rejected) == (3, 0)


def test_an_invoice_line_number_column_makes_the_identity_exact(world, catalog, django_capture_on_commit_callbacks):
    header = "Invoice No;Line;Invoice Date;Part;Qty;Unit Price;Currency;Customer;Country\n"
    body = (
        "INV-1;1;2026-03-02;AX-24;3;10;USD;Initech;DE\n"
        "INV-1;2;2026-03-02;AX-24;3;10;USD;Initech;DE\n"
        "INV-1;2;2026-03-02;AX-24;3;10;USD;Initech;DE\n"
    )
    columns = {
        "invoice_number": 0,
        "invoice_line": 1,
        "invoice_date": 2,
        "sku": 3,
        "quantity": 4,
        "unit_price": 5,
        "currency": 6,
        "end_customer_name": 7,
        "end_customer_country": 8,
    }
    pos_import = run_import(
        world, csv_file(body, header=header), columns=columns, capture=django_capture_on_commit_callbacks
    )

    assert (pos_import.lines_accepted, pos_import.lines_rejected) == (2, 1)
    assert rejects_of(world, pos_import) == {4: "duplicate_in_file"}
    assert sorted(line.line_key for line in lines_of(world, pos_import)) == ["L:1", "L:2"]


def test_date_and_decimal_formats_come_from_the_template(world, catalog, django_capture_on_commit_callbacks):
    body = 'INV-7;31/01/2026;AX-24;1;"1.234,50";EUR;Initech;DE\nINV-8;2026-02-01;AX-48;2;99,9;EUR;Initech;DE\n'
    pos_import = run_import(
        world,
        csv_file(body),
        date_format="DD/MM/YYYY",
        decimal_separator=",",
        capture=django_capture_on_commit_callbacks,
    )

    lines = lines_of(world, pos_import)
    assert [(str(line.invoice_date), str(line.unit_price)) for line in lines] == [
        ("2026-01-31", "1234.5000"),
        ("2026-02-01", "99.9000"),
    ]


@pytest.mark.parametrize(
    ("date_format", "written", "impossible"),
    [
        pytest.param("MM/DD/YYYY", "01/31/2026", "31/01/2026", id="month_first"),
        pytest.param("DD.MM.YYYY", "31.01.2026", "31.13.2026", id="dots"),
        pytest.param("DD-MM-YYYY", "31-01-2026", "32-01-2026", id="dashes"),
        pytest.param("YYYYMMDD", "20260131", "20260231", id="compact"),
    ],
)
def test_each_date_format_reads_its_dates_and_rejects_impossible_ones(
    world, catalog, django_capture_on_commit_callbacks, date_format, written, impossible
):
    body = f"INV-1;{written};AX-24;1;10;USD;Initech;DE\nINV-2;{impossible};AX-24;1;10;USD;Initech;DE\n"
    pos_import = run_import(world, csv_file(body), date_format=date_format, capture=django_capture_on_commit_callbacks)

    assert [str(line.invoice_date) for line in lines_of(world, pos_import)] == ["2026-01-31"]
    assert rejects_of(world, pos_import) == {3: "invalid_date"}


@pytest.mark.parametrize("delimiter", [",", "\t", "|", ";"], ids=["comma", "tab", "pipe", "semicolon"])
def test_any_of_the_usual_delimiters_is_detected(world, catalog, django_capture_on_commit_callbacks, delimiter):
    header = HEADER.replace(";", delimiter)
    body = "".join(line.replace(";", delimiter) + "\n" for line in GOOD.splitlines())

    pos_import = run_import(world, csv_file(body, header=header), capture=django_capture_on_commit_callbacks)

    assert pos_import.delimiter == delimiter
    assert (pos_import.lines_accepted, pos_import.lines_rejected) == (3, 0)


def test_optional_end_customer_fields_and_the_reporting_reseller_are_kept(
    world, catalog, django_capture_on_commit_callbacks
):
    header = "Invoice No;Invoice Date;Part;Qty;Unit Price;Currency;Customer;Country;Web;Zip;Reseller\n"
    body = (
        "INV-1;2026-03-02;AX-24;3;10;USD;Initech;DE;https://www.Initech.example/about;10115; Nimbus IT \n"
        "INV-2;2026-03-02;AX-24;3;10;USD;Globex;US;;;\n"
    )
    columns = {
        **STANDARD_COLUMNS,
        "end_customer_domain": 8,
        "end_customer_postcode": 9,
        "reseller_name": 10,
    }
    pos_import = run_import(
        world, csv_file(body, header=header), columns=columns, capture=django_capture_on_commit_callbacks
    )

    kept = [
        (line.end_customer_domain, line.end_customer_postcode, line.reseller_name)
        for line in lines_of(world, pos_import)
    ]
    assert kept == [("initech.example", "10115", "Nimbus IT"), ("", "", "")]


def test_a_file_without_a_currency_column_uses_the_templates_default(
    world, catalog, django_capture_on_commit_callbacks
):
    header = "Invoice No;Invoice Date;Part;Qty;Unit Price;Customer;Country\n"
    body = "INV-1;2026-03-02;AX-24;3;120.50;Initech;DE\n"
    columns = {
        "invoice_number": 0,
        "invoice_date": 1,
        "sku": 2,
        "quantity": 3,
        "unit_price": 4,
        "end_customer_name": 5,
        "end_customer_country": 6,
    }
    pos_import = run_import(
        world,
        csv_file(body, header=header),
        columns=columns,
        default_currency="eur",
        capture=django_capture_on_commit_callbacks,
    )

    assert [line.currency for line in lines_of(world, pos_import)] == ["EUR"]


def test_a_later_file_with_the_same_header_applies_the_saved_template(
    world, catalog, django_capture_on_commit_callbacks
):
    run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        from pos.services.imports import pos_import_create

        again = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file("INV-5;2026-04-01;AX-48;1;990;USD;Initech;DE\n", name="may.csv"),
        )
    with tenant_scope(world.tenant_a):
        again.refresh_from_db()
        assert again.mapping is not None
    assert (again.status, again.lines_accepted) == (PosImport.Status.COMPLETED, 1)


def test_windows_1252_and_utf8_with_bom_files_are_read(world, catalog, django_capture_on_commit_callbacks):
    body = "INV-1;2026-03-02;AX-24;3;120.50;USD;Société Générale;FR\n"
    cp1252 = run_import(world, csv_file(body, encoding="cp1252"), capture=django_capture_on_commit_callbacks)
    bom = run_import(
        world,
        csv_file(body.replace("INV-1", "INV-2"), name="bom.csv", header="\ufeff" + HEADER),
        capture=django_capture_on_commit_callbacks,
    )

    assert cp1252.encoding == "cp1252" and bom.encoding == "utf-8"
    names = [line.end_customer_name for imp in (cp1252, bom) for line in lines_of(world, imp)]
    assert names == ["Société Générale", "Société Générale"]


def test_accepted_plus_rejected_equals_lines_read_on_a_messy_file(world, catalog, django_capture_on_commit_callbacks):
    body = GOOD + "\n" + 'INV-3;2026-03-02;"AX-24;3;10;USD;Initech;DE\n' + "INV-4;bad;AX-24;1;1;USD;X;DE\n"
    pos_import = run_import(world, csv_file(body), capture=django_capture_on_commit_callbacks)

    assert pos_import.status == PosImport.Status.COMPLETED
    assert pos_import.lines_accepted + pos_import.lines_rejected == pos_import.lines_read
    assert pos_import.lines_accepted == 3


def _work_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'pos_work'")
        return [name for (name,) in cursor.fetchall()]


def test_a_loads_work_tables_are_gone_when_it_ends(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(
        world, csv_file(GOOD + "INV-9;2026-13-45;AX-24;1;1;USD;X;DE\n"), capture=django_capture_on_commit_callbacks
    )

    assert pos_import.status == PosImport.Status.COMPLETED and pos_import.lines_rejected == 1
    assert _work_tables() == []


def test_a_load_that_fails_midway_leaves_no_work_table_and_no_line(
    world, catalog, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(pipeline, "LINE_ID_SQL", "no_such_function(t.line_number)")  # the check fails
    with pytest.raises(ProgrammingError):
        run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)

    with tenant_scope(world.tenant_a):
        pos_import = PosImport.objects.get()
        assert pos_import.status == PosImport.Status.FAILED and pos_import.error_code == "internal_error"
        assert not PosLine.objects.exists() and not PosReject.objects.exists()
    assert _work_tables() == []


def _load_settings():
    with connection.cursor() as cursor:
        return {name: cursor.execute(f"SHOW {name}").fetchone()[0] for name in pipeline.LOAD_SETTINGS}


def test_a_load_gives_the_rest_of_its_transaction_back_its_settings(world, catalog):
    with tenant_scope(world.tenant_a), transaction.atomic():
        before = _load_settings()
        _, results = pos_lines_submit(actor_membership=membership(world, world.pat), lines=[pos_line("S-1", "AX-24")])
        after = _load_settings()

    assert results == [{"line": 1, "status": "accepted"}]
    assert after == before and before["work_mem"] != "256MB"
