"""What POS adds to the core's pages through prm.modules (pos/apps.py, pos/hooks.py): the partner's "Sales reports"
and the vendor's "POS data" home cards, POS's to-dos, and the "Sales-out" panel of a partner organisation's page —
each showing a partner its own organisation's reports only."""

import datetime
import html

import pytest
from django.utils import timezone

from pos.models import PosImport
from pos.services.imports import pos_import_create
from prm.fiscal import current_quarter
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, membership, run_import

OTHER_HEADER = "Rechnung;Datum;Artikel;Menge;Preis;Waehrung;Kunde;Land\n"


@pytest.fixture
def reports(world, catalog, django_capture_on_commit_callbacks):
    """org1: alpha.csv (4 good lines, one of them last quarter, and 2 rejects), then waiting.csv, whose layout has no
    mapping yet; org2: beta.csv (2 good lines in EUR)."""
    with tenant_scope(world.tenant_a):
        quarter = current_quarter()
    today, last_quarter_day = quarter.start.isoformat(), (quarter.start - datetime.timedelta(days=1)).isoformat()
    alpha_body = (
        f"INV-1;{today};AX-24;3;120.50;USD;Initech GmbH;DE\n"
        f"INV-1;{today};AX-48;1;990.00;USD;Initech GmbH;DE\n"
        f"INV-2;{today};NW-24;-1;120.50;USD;Globex Corp;US\n"
        f"INV-0;{last_quarter_day};AX-48;7;990.00;USD;Initech GmbH;DE\n"
        f"INV-3;{today};NOPE;1;10;USD;Hooli;US\n"
        "INV-5;not a date;AX-24;1;10;USD;Hooli;US\n"
    )
    alpha = run_import(world, csv_file(alpha_body, name="alpha.csv"), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        waiting = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file(f"W-1;{today};AX-24;1;1;USD;X;DE\n", name="waiting.csv", header=OTHER_HEADER),
        )
    beta_body = f"B-1;{today};AX-48;5;900;EUR;Umbrella Ltd;GB\nB-2;{today};AX-24;2;100;EUR;Wayne;FR\n"
    beta = run_import(
        world, csv_file(beta_body, name="beta.csv"), user=world.otto, capture=django_capture_on_commit_callbacks
    )
    assert (alpha.lines_accepted, alpha.lines_rejected, waiting.status, beta.lines_accepted) == (
        4,
        2,
        "needs_mapping",
        2,
    )
    return alpha, waiting, beta


def page(world, user, path="/"):
    response = world.client(user).get(path)
    assert response.status_code == 200
    return response, html.unescape(response.content.decode())


def card_of(text, name):
    """The HTML of one home card or panel (up to the end of its frame)."""
    start = text.index(f'data-testid="{name}"')
    return text[start : text.index("</section>", start)]


def test_a_partners_sales_reports_card_shows_its_last_report_the_rejects_to_fix_and_the_file_waiting_for_a_mapping(
    world, reports
):
    alpha, waiting, _beta = reports

    for user in (world.pat, world.una):
        card = card_of(page(world, user)[1], "home-card-pos-sales-reports")
        assert f'href="/pos/imports/{waiting.pk}/">waiting.csv</a>' in card  # the last report
        assert "Waiting for a column mapping" in card
        assert f'href="/pos/imports/{alpha.pk}/">2 lines of your last completed report were rejected' in card
        assert f'href="/pos/imports/{waiting.pk}/mapping/">waiting.csv waits for a column mapping' in card
        assert "beta.csv" not in card


def test_a_partner_never_sees_another_organisations_reports_in_its_card(world, reports):
    _response, text = page(world, world.otto)

    card = card_of(text, "home-card-pos-sales-reports")
    assert "beta.csv" in card
    assert "rejected" not in card and "waits for a column mapping" not in card
    assert "alpha.csv" not in text and "waiting.csv" not in text
    assert "Nothing to do right now." in text
    assert "beta.csv" not in page(world, world.pat)[1]  # org2's, the tenant's newest report

    _response, bea_home = page(world, world.bea)  # tenant B
    assert "has not sent a sales report yet" in card_of(bea_home, "home-card-pos-sales-reports")
    assert not {"alpha.csv", "waiting.csv", "beta.csv"} & set(bea_home.split())


def test_a_partners_todos_are_its_file_waiting_for_a_mapping_then_its_rejected_lines(world, reports):
    alpha, waiting, _beta = reports

    response, text = page(world, world.pat)

    todos = [(t.label, t.url, t.count, t.severity) for t in response.context["todos"]]
    assert todos == [
        ("1 sales report waits for a column mapping", f"/pos/imports/{waiting.pk}/mapping/", 1, "danger"),
        ("Correct 2 rejected lines of your last report", f"/pos/imports/{alpha.pk}/", 2, "warning"),
    ]
    assert f'<a href="/pos/imports/{waiting.pk}/mapping/">1 sales report waits for a column mapping</a>' in text
    assert page(world, world.otto)[0].context["todos"] == []


def test_two_files_waiting_for_a_mapping_send_the_partner_to_the_import_list(world, reports):
    with tenant_scope(world.tenant_a):
        pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file("W-2;2026-01-01;AX-24;1;1;USD;X;DE\n", name="second.csv", header=OTHER_HEADER),
        )

    mapping_todo = page(world, world.pat)[0].context["todos"][0]

    assert (mapping_todo.label, mapping_todo.url) == ("2 sales reports wait for a column mapping", "/pos/imports/")


def test_the_vendors_pos_data_card_shows_the_weeks_imports_reject_rate_and_partners_waiting_for_a_mapping(
    world, reports
):
    card = card_of(page(world, world.alice)[1], "home-card-pos-data")

    assert "3 imports in the last 7 days" in card
    assert "Rejected lines: 25 % (2 / 8)" in card  # alpha's 6 lines read and beta's 2
    assert ">Alpha Resellers</a>" in card and "Beta Distribution" not in card

    charlie_card = card_of(page(world, world.charlie)[1], "home-card-pos-data")  # tenant B
    assert "0 imports in the last 7 days" in charlie_card
    assert "Rejected lines: —" in charlie_card and "Alpha Resellers" not in charlie_card


def test_imports_that_failed_this_week_are_a_vendor_todo(world, reports):
    _alpha, _waiting, beta = reports
    assert page(world, world.alice)[0].context["todos"] == []
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=beta.pk).update(status=PosImport.Status.FAILED)
        PosImport.objects.create(
            partner_org=world.org2, status=PosImport.Status.FAILED, source=PosImport.Source.API
        )  # failed nine days ago: not this week's
        PosImport.objects.filter(source=PosImport.Source.API).update(created_at=timezone.now() - datetime.timedelta(9))

    response, text = page(world, world.bob)

    todos = [(t.label, t.url, t.count, t.severity) for t in response.context["todos"]]
    assert todos == [("1 sales-out import failed in the last 7 days", "/pos/imports/", 1, "danger")]
    assert "1 failed" in card_of(text, "home-card-pos-data")
    assert page(world, world.otto)[0].context["todos"] == []  # a vendor's to-do, not a partner's


def test_a_partner_organisations_page_shows_its_sales_out_panel(world, reports):
    alpha, waiting, _beta = reports
    with tenant_scope(world.tenant_a):
        quarter = current_quarter()

    panel = card_of(page(world, world.bob, f"/partner-orgs/{world.org1.pk}/")[1], "object-panel-pos-sales-out")

    assert f'href="/pos/imports/{waiting.pk}/">waiting.csv</a>' in panel
    assert f"This quarter, {quarter.label} ({quarter.start} – {quarter.end})" in panel
    # This quarter's three lines (3 × 120.50 + 990.00 − 120.50); last quarter's line and the rejects are left out.
    assert (
        '<td>USD</td><td class="text-end">3</td><td class="text-end">3</td><td class="text-end">$1,231.00</td>' in panel
    )
    assert "EUR" not in panel
    assert f"/pos/lines/?partner_org={world.org1.pk}&date_from={quarter.start}&date_to={quarter.end}" in panel

    beta_panel = card_of(page(world, world.alice, f"/partner-orgs/{world.org2.pk}/")[1], "object-panel-pos-sales-out")
    assert "beta.csv" in beta_panel and "USD" not in beta_panel
    assert (
        '<td>EUR</td><td class="text-end">2</td><td class="text-end">7</td><td class="text-end">€4,700.00</td>'
        in beta_panel
    )


def test_a_partner_organisation_without_reports_says_so_in_its_panel(world, catalog):
    panel = card_of(page(world, world.alice, f"/partner-orgs/{world.org2.pk}/")[1], "object-panel-pos-sales-out")

    assert "No sales-out report received yet." in panel
    assert "No lines invoiced this quarter." in panel
