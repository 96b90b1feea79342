"""The line's company and domain keys (prm.companies), filled by the load and by the backfill of older lines, and
the reseller match rate of two-tier reports on the data-quality page."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from pos.models import PosImport, PosLine
from pos.selectors import data_quality
from pos.services.imports import pos_lines_submit
from prm.accounts.services import partner_org_create
from prm.tenancy.context import tenant_scope
from tests.factories.populate import pos_line
from tests.pos.conftest import STANDARD_COLUMNS, csv_file, membership, run_import

HEADER = "Invoice No;Invoice Date;Part;Qty;Unit Price;Currency;Customer;Country;Web;Reseller\n"
COLUMNS = {**STANDARD_COLUMNS, "end_customer_domain": 8, "reseller_name": 9}
BODY = (
    "INV-1;2026-03-02;AX-24;1;10;USD;Müller & Söhne GmbH;DE;https://www.mueller-soehne.de/kontakt;Alpha Resellers\n"
    "INV-2;2026-03-02;AX-24;1;10;USD;  MULLER UND SOHNE ;DE;einkauf@shop.mueller-soehne.de;Alpha Resellers GmbH\n"
    "INV-3;2026-03-02;AX-24;1;10;USD;Société Générale S.A.;FR;compta@gmail.com;Nimbus IT\n"
    "INV-4;2026-03-02;AX-24;1;10;USD;Initech Co., Ltd.;JP;initech.github.io;\n"
    "INV-5;2026-03-02;AX-24;1;10;USD;GmbH;DE;münchen.de;ALPHA resellers, Ltd.\n"
    "INV-6;2026-03-02;AX-24;1;10;USD;Bad Line;DE;acme.de;Alpha Resellers\n"
)


def load(world, capture, body=BODY, user=None):
    return run_import(world, csv_file(body, header=HEADER), columns=COLUMNS, capture=capture, user=user)


def keys_of(world, pos_import):
    with tenant_scope(world.tenant_a):
        return list(
            PosLine.objects.filter(pos_import=pos_import)
            .order_by("line_number")
            .values_list("end_customer_key", "end_customer_domain_key", "reseller_key")
        )


def test_the_load_stores_the_company_and_domain_keys_of_each_line(world, catalog, django_capture_on_commit_callbacks):
    pos_import = load(world, django_capture_on_commit_callbacks, BODY.replace("AX-24;1;10;USD;Bad", "ZZ;1;10;USD;Bad"))

    assert keys_of(world, pos_import) == [
        ("muller and sohne", "mueller-soehne.de", "alpha resellers"),  # a URL; & and the legal form folded
        ("muller and sohne", "mueller-soehne.de", "alpha resellers"),  # an e-mail; und, case and spaces folded
        ("societe generale", "", "nimbus it"),  # gmail.com is no evidence: blank
        ("initech", "", ""),  # github.io hosting: blank; no reseller
        ("gmbh", "xn--mnchen-3ya.de", "alpha resellers"),  # nothing but a legal form keeps its words; punycode
    ]


def test_lines_sent_through_the_api_get_the_same_keys(world, catalog):
    lines = [
        pos_line("API-1", "AX-24", end_customer_name="Müller + Söhne KG", end_customer_domain="x@Mueller-Soehne.DE"),
        pos_line("API-2", "AX-24", end_customer_name="Initech", reseller_name="The Alpha Resellers Inc."),
    ]
    with tenant_scope(world.tenant_a):
        pos_import, _ = pos_lines_submit(
            actor_membership=membership(world, world.alice), partner_org=world.org2, lines=lines
        )
    assert keys_of(world, pos_import) == [
        ("muller and sohne", "mueller-soehne.de", ""),
        ("initech", "", "alpha resellers"),
    ]


def test_a_file_without_domain_and_reseller_columns_leaves_their_keys_blank(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(
        world, csv_file("INV-1;2026-03-02;AX-24;1;10;USD;Acme AG;DE\n"), capture=django_capture_on_commit_callbacks
    )
    assert keys_of(world, pos_import) == [("acme", "", "")]
    assert (pos_import.lines_with_reseller, pos_import.lines_reseller_matched) == (0, 0)


def test_the_job_counts_the_lines_naming_a_reseller_and_those_matching_a_partner_org(
    world, catalog, django_capture_on_commit_callbacks
):
    """Alpha Resellers is a partner organisation (its name key "alpha resellers"); Nimbus IT is not."""
    pos_import = load(world, django_capture_on_commit_callbacks)

    assert pos_import.lines_accepted == 6
    assert (pos_import.lines_with_reseller, pos_import.lines_reseller_matched) == (5, 4)


def test_the_data_quality_page_shows_the_reseller_match_rate_and_partners_see_their_own(
    world, catalog, django_capture_on_commit_callbacks
):
    load(world, django_capture_on_commit_callbacks)  # org1's file, by pat: 4 of 5 resellers matched
    run_import(  # org2's file, no reseller column
        world,
        csv_file("B-1;2026-04-01;AX-48;5;900;EUR;Umbrella Ltd;GB\n"),
        user=world.otto,
        capture=django_capture_on_commit_callbacks,
    )
    with tenant_scope(world.tenant_a):
        rows = {row["name"]: row for row in data_quality(membership(world, world.alice))}
        partner_rows = data_quality(membership(world, world.pat))
    assert (rows["Alpha Resellers"]["with_reseller"], rows["Alpha Resellers"]["reseller_matched"]) == (5, 4)
    assert rows["Alpha Resellers"]["reseller_match_rate"] == 0.8
    assert rows["Beta Distribution"]["reseller_match_rate"] is None
    assert [row["name"] for row in partner_rows] == ["Alpha Resellers"]

    staff = world.client(world.alice).get("/pos/quality/").content.decode()
    partner = world.client(world.pat).get("/pos/quality/").content.decode()
    assert 'data-testid="reseller-match-rate"' in staff and ">80%</td>" in staff and ">—</td>" in staff
    assert ">80%</td>" in partner and "Beta Distribution" not in partner


def test_a_partner_org_created_later_matches_the_next_load(world, catalog, django_capture_on_commit_callbacks):
    with tenant_scope(world.tenant_a):
        partner_org_create(
            actor_membership=membership(world, world.alice),
            name="Nimbus IT GmbH",
            partner_type="reseller",
            country="DE",
        )
    pos_import = load(world, django_capture_on_commit_callbacks)
    assert (pos_import.lines_with_reseller, pos_import.lines_reseller_matched) == (5, 5)


# --- the backfill of lines loaded before the keys (migration pos 0011) --------------------------------------

backfill_migration = importlib.import_module("pos.migrations.0011_company_keys")


class SchemaEditor:
    """What the migration's function uses of a schema editor."""

    connection = connection


@pytest.fixture
def old_lines(world, catalog, django_capture_on_commit_callbacks):
    """BODY's lines as the load stored them before the keys: the old key (lower case, single spaces), none else."""
    pos_import = load(world, django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        PosLine.objects.update(end_customer_key="old", end_customer_domain_key="", reseller_key="")
        PosImport.objects.update(lines_with_reseller=0, lines_reseller_matched=0)
    return pos_import


def test_the_backfill_gives_older_lines_and_jobs_the_keys_a_load_gives(world, old_lines):
    backfill_migration.backfill_company_keys(django_apps, SchemaEditor())

    assert keys_of(world, old_lines) == [
        ("muller and sohne", "mueller-soehne.de", "alpha resellers"),
        ("muller and sohne", "mueller-soehne.de", "alpha resellers"),
        ("societe generale", "", "nimbus it"),
        ("initech", "", ""),
        ("gmbh", "xn--mnchen-3ya.de", "alpha resellers"),
        ("bad line", "acme.de", "alpha resellers"),
    ]
    with tenant_scope(world.tenant_a):
        old_lines.refresh_from_db()
    assert (old_lines.lines_with_reseller, old_lines.lines_reseller_matched) == (5, 4)


def test_the_backfill_reads_the_distinct_values_in_batches(world, old_lines, monkeypatch):
    monkeypatch.setattr(backfill_migration, "KEY_BATCH_ROWS", 2)

    backfill_migration.backfill_company_keys(django_apps, SchemaEditor())

    assert [key for key, _, _ in keys_of(world, old_lines)] == [
        "muller and sohne",
        "muller and sohne",
        "societe generale",
        "initech",
        "gmbh",
        "bad line",
    ]
