"""POS's hooks for downstream modules: the on-commit "lines loaded" announcement (pos.signals), the "pos_sales"
tier-revenue source (prm.modules) and the sales-summary API, all reading what the real load wrote."""

import datetime
from decimal import Decimal

import pytest
from celery import shared_task

from pos import signals
from pos.services import imports
from pos.services.imports import pos_lines_submit
from prm.ledger.models import FxRate
from prm.modules import tier_revenue_sources
from prm.tenancy.context import tenant_scope
from tests.factories.populate import pos_line
from tests.pos.conftest import csv_file, membership, run_import
from tests.pos.test_api import api

ANNOUNCED = []


@shared_task
def record_lines_loaded(*, tenant_id, partner_org_id, import_id, date_from, date_to):
    """A downstream module's subscriber, as a test double: records what it was given."""
    ANNOUNCED.append(
        {
            "tenant_id": tenant_id,
            "partner_org_id": partner_org_id,
            "import_id": import_id,
            "date_from": date_from,
            "date_to": date_to,
        }
    )


@pytest.fixture
def subscriber(monkeypatch):
    ANNOUNCED.clear()
    monkeypatch.setattr(signals, "_lines_loaded_tasks", [])
    signals.subscribe_lines_loaded(record_lines_loaded)
    signals.subscribe_lines_loaded(record_lines_loaded)  # subscribing twice is once
    return ANNOUNCED


LINES = (
    "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-2;2026-01-31;AX-48;1;990.00;EUR;Initech GmbH;DE\n"
    "INV-3;2026-04-05;NOPE;1;1;USD;Initech GmbH;DE\n"  # rejected: its date is not in the range
)


def test_a_completed_load_announces_its_lines_once_after_commit(
    world, catalog, subscriber, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)
    assert subscriber == [
        {
            "tenant_id": str(world.tenant_a.pk),
            "partner_org_id": str(world.org1.pk),
            "import_id": str(pos_import.pk),
            "date_from": "2026-01-31",
            "date_to": "2026-03-02",
        }
    ]


def test_lines_sent_through_the_api_are_announced(world, catalog, subscriber, django_capture_on_commit_callbacks):
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        pos_import, _ = pos_lines_submit(
            actor_membership=membership(world, world.pat), lines=[pos_line("A-1", "AX-24")]
        )
    assert [(a["import_id"], a["date_from"], a["date_to"]) for a in subscriber] == [
        (str(pos_import.pk), "2026-03-02", "2026-03-02")
    ]


def test_a_load_that_accepts_no_line_announces_nothing(world, catalog, subscriber, django_capture_on_commit_callbacks):
    pos_import = run_import(
        world, csv_file("INV-3;2026-04-05;NOPE;1;1;USD;X;DE\n"), capture=django_capture_on_commit_callbacks
    )
    assert (pos_import.status, pos_import.lines_accepted) == ("completed", 0)
    assert subscriber == []


def test_a_load_rolled_back_after_its_lines_were_written_announces_nothing(
    world, catalog, subscriber, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(_pos_import):
        raise RuntimeError("the notification failed after the lines were written")

    monkeypatch.setattr(imports, "_tell_uploader", fail)  # inside the load's transaction, after _finish
    with pytest.raises(RuntimeError):
        run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)
    assert subscriber == []


def test_the_pos_sales_tier_revenue_source_sums_whole_invoice_months_in_the_reporting_currency(
    world, catalog, django_capture_on_commit_callbacks
):
    with tenant_scope(world.tenant_a):
        FxRate.objects.create(
            base_currency="EUR", quote_currency="USD", rate=Decimal("1.25"), valid_from=datetime.date(2026, 1, 1)
        )
    run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)
    source = {s.name: s for s in tier_revenue_sources()}["pos_sales"]
    with tenant_scope(world.tenant_a):
        whole_quarter = source.fn(
            partner_org_ids=[world.org1.pk, world.org2.pk],
            date_from=datetime.date(2026, 1, 1),
            date_to=datetime.date(2026, 3, 31),
        )
        # A range inside March counts March whole; January's EUR sale is outside it.
        march = source.fn(
            partner_org_ids=[str(world.org1.pk)],
            date_from=datetime.date(2026, 3, 15),
            date_to=datetime.date(2026, 3, 20),
        )
    assert whole_quarter == {world.org1.pk: Decimal("361.5000") + Decimal("1237.5000"), world.org2.pk: Decimal(0)}
    assert march == {str(world.org1.pk): Decimal("361.5000")}


def test_the_sales_summary_api_reads_the_rollup_and_a_partner_sees_only_its_own(
    world, catalog, django_capture_on_commit_callbacks
):
    run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)  # no EUR rate: counted
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        pos_lines_submit(actor_membership=membership(world, world.otto), lines=[pos_line("B-1", "AX-24", quantity=100)])
    partner = api(world, world.pat)
    answer = partner.get("/api/v1/pos/sales-summary/").json()
    assert answer["reporting_currency"] == "USD" and answer["group_by"] == "month"
    assert [(r["month"], r["units"], r["amount"], r["lines"], r["lines_without_fx_rate"]) for r in answer["rows"]] == [
        ("2026-01-01", 1, "0.0000", 1, 1),
        ("2026-03-01", 3, "361.5000", 1, 0),
    ]
    other = partner.get("/api/v1/pos/sales-summary/", {"partner_org": str(world.org2.pk)})
    assert other.status_code == 422 and other.json()["code"] == "unprocessable"

    vendor = api(world, world.alice)
    by_product = vendor.get(
        "/api/v1/pos/sales-summary/", {"group_by": "product", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    ).json()
    assert [(r["sku"], r["units"], r["amount"]) for r in by_product["rows"]] == [("AX-24", 103, "12411.5000")]
    bad = vendor.get("/api/v1/pos/sales-summary/", {"group_by": "week"})
    assert bad.status_code == 400
    period = vendor.get("/api/v1/pos/sales-summary/", {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert (period.status_code, period.json()["code"]) == (422, "invalid_period")


def test_the_data_quality_page_shows_sales_by_month_and_the_lines_without_an_fx_rate(
    world, catalog, django_capture_on_commit_callbacks
):
    run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)  # no EUR rate
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        pos_lines_submit(actor_membership=membership(world, world.otto), lines=[pos_line("B-1", "AX-24", quantity=100)])
    page = world.client(world.alice).get("/pos/quality/").content.decode()
    table = page[page.index('data-testid="sales-by-month"') :]
    assert "2026-01" in table and "1 line without an FX rate" in table
    assert "2026-03" in table and "$12,411.50" in table  # both partners' March lines
    partner = world.client(world.pat).get("/pos/quality/").content.decode()
    assert "$361.50" in partner and "$12,411.50" not in partner  # a partner sees its own only
