"""A staff member limited to their territories sees, in POS and in the ledger, only the partner organisations in
scope (prm.territories.selectors.within_scope): lines, the sales summary, data quality, postings, balances,
statements — and may not send sales data for a partner outside it."""

import datetime
import json

import pytest

from pos.models import PosLine
from pos.services.imports import pos_lines_submit
from prm.ledger.models import Kind
from prm.ledger.services import Source, ledger_accrue
from prm.tenancy.context import tenant_scope
from prm.territories import services
from tests.factories import ProductFactory
from tests.factories.populate import pos_line


@pytest.fixture
def limited_bob(world, tree):
    """org1 in DE-South (below DACH, bob's territory), org2 in UK&I; each with a sales line and a rebate accrued;
    bob, a channel manager, limited to his territories."""
    with tenant_scope(world.tenant_a):
        ProductFactory(sku="AX-24")
        services.territory_assign_partner_org(
            actor_membership=tree.alice, territory=tree.de_south, partner_org=world.org1
        )
        services.territory_assign_partner_org(actor_membership=tree.alice, territory=tree.uki, partner_org=world.org2)
        services.territory_assign_staff(actor_membership=tree.alice, territory=tree.dach, membership=tree.bob)
        for org, invoice in ((world.org1, "INV-1"), (world.org2, "INV-2")):
            pos_lines_submit(actor_membership=tree.alice, partner_org=org, lines=[pos_line(invoice, "AX-24")])
            ledger_accrue(
                actor_membership=tree.alice, partner_org=org, kind=Kind.REBATE, currency="USD", amount="10.00",
                source=Source("test", "rebate", invoice), business_date=datetime.date(2026, 3, 2),
            )  # fmt: skip
        services.territory_limit_create(actor_membership=tree.alice, membership=tree.bob)
    return world.client(world.bob)


def partner_ids(rows):
    return {row["partner_org"] for row in rows}


def test_the_limited_staff_member_sees_only_lines_and_sales_in_scope(world, limited_bob):
    lines = limited_bob.get("/api/v1/pos/lines/").json()["results"]
    summary = limited_bob.get("/api/v1/pos/sales-summary/").json()
    outside = limited_bob.get("/api/v1/pos/sales-summary/", {"partner_org": str(world.org2.pk)})

    assert [line["invoice_number"] for line in lines] == ["INV-1"]
    assert [row["lines"] for row in summary["rows"]] == [1]
    assert outside.status_code == 422
    everyone = world.client(world.alice).get("/api/v1/pos/sales-summary/").json()
    assert [row["lines"] for row in everyone["rows"]] == [2]


def test_the_limited_staff_member_sees_only_data_quality_and_imports_in_scope(world, limited_bob):
    page = limited_bob.get("/pos/quality/").content.decode()
    imports = limited_bob.get("/api/v1/pos/imports/").json()["results"]

    assert world.org1.name in page and world.org2.name not in page
    assert {item["partner_org"] for item in imports} == {str(world.org1.pk)}


def test_the_limited_staff_member_may_not_send_sales_for_a_partner_outside_scope(world, limited_bob):
    body = {"partner": str(world.org2.pk), "lines": [pos_line("INV-3", "AX-24")]}

    response = limited_bob.post("/api/v1/pos/lines/", json.dumps(body), content_type="application/json")

    assert response.status_code == 403, response.json()
    assert response.json()["detail"] == "This partner organisation is outside your territories."
    with tenant_scope(world.tenant_a):
        assert PosLine.objects.filter(partner_org=world.org2).count() == 1


def test_the_limited_staff_member_sees_only_postings_balances_and_statements_in_scope(world, limited_bob):
    postings = limited_bob.get("/api/v1/ledger/postings/").json()["results"]
    balances = limited_bob.get("/api/v1/ledger/balances/").json()["results"]
    statement = limited_bob.get(
        "/api/v1/ledger/statement/",
        {"partner_org": str(world.org2.pk), "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    page = limited_bob.get("/ledger/").content.decode()

    assert partner_ids(postings) == partner_ids(balances) == {str(world.org1.pk)}
    assert statement.status_code == 422
    assert world.org1.name in page and world.org2.name not in page
    assert len(world.client(world.alice).get("/api/v1/ledger/postings/").json()["results"]) == 2
