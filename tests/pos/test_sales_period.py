"""A report's period — the first and last invoice dates of its accepted lines — on the reports list, the report's
page and in the imports API; none for a report that accepted no line."""

from pos.models import PosImport
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, run_import
from tests.pos.test_api import api

LINES = (
    "INV-1;2026-03-05;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-2;2026-02-27;AX-48;1;990.00;USD;Globex Corp;US\n"
    "INV-3;2025-01-01;NOPE-1;1;990.00;USD;Globex Corp;US\n"  # rejected: its date is not in the period
)


def test_a_reports_period_is_its_accepted_lines_first_and_last_dates(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)
    client = world.client(world.pat)

    listed = client.get("/pos/imports/").content.decode()
    page = client.get(f"/pos/imports/{pos_import.pk}/").content.decode()
    answered = api(world, world.pat).get(f"/api/v1/pos/imports/{pos_import.pk}/").json()

    assert (str(pos_import.first_sale_date), str(pos_import.last_sale_date)) == ("2026-02-27", "2026-03-05")
    assert '<td class="text-nowrap" data-testid="sales-period">2026-02-27 – 2026-03-05\n</td>' in listed
    assert "Sales from 2026-02-27 to 2026-03-05 (the first and last invoice dates of its accepted lines)." in page
    assert (answered["first_sale_date"], answered["last_sale_date"]) == ("2026-02-27", "2026-03-05")


def test_a_report_of_one_day_shows_that_day(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(LINES.splitlines()[0] + "\n"), capture=django_capture_on_commit_callbacks)

    listed = world.client(world.pat).get("/pos/imports/").content.decode()

    assert 'data-testid="sales-period">2026-03-05\n</td>' in listed


def test_a_report_without_accepted_lines_has_no_period(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(LINES.splitlines()[2] + "\n"), capture=django_capture_on_commit_callbacks)

    page = world.client(world.pat).get(f"/pos/imports/{pos_import.pk}/").content.decode()
    answered = api(world, world.pat).get(f"/api/v1/pos/imports/{pos_import.pk}/").json()

    assert (pos_import.status, pos_import.first_sale_date) == (PosImport.Status.COMPLETED, None)
    assert 'data-testid="sales-period"' not in page
    assert (answered["first_sale_date"], answered["last_sale_date"]) == (None, None)


def test_the_period_in_french(world, catalog, django_capture_on_commit_callbacks, in_french):
    pos_import = run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        assert PosImport.objects.get(pk=pos_import.pk).last_sale_date is not None

    page = in_french(world.client(world.pat)).get(f"/pos/imports/{pos_import.pk}/").content.decode()

    assert "Ventes du 2026-02-27 au 2026-03-05 (première et dernière dates de facture de ses lignes acceptées)." in page
