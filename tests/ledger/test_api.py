"""The ledger's read-only API: postings, balances and statements; a partner sees its own organisation's only."""

import datetime

import pytest

from prm.accounts.models import Membership
from prm.ledger.models import Kind, Posting
from prm.ledger.services import ledger_accrue, ledger_approve, ledger_pay
from prm.tenancy.context import tenant_scope
from tests.ledger.conftest import claim

POSTINGS, BALANCES, STATEMENT = "/api/v1/ledger/postings/", "/api/v1/ledger/balances/", "/api/v1/ledger/statement/"
FEB, MAR, APR = datetime.date(2026, 2, 10), datetime.date(2026, 3, 10), datetime.date(2026, 4, 10)


@pytest.fixture
def ledger(world):
    """org1: a rebate accrued in February (100), approved in March (60) and 25 of it paid in April; and a spiff
    approved in March (40, nothing accrued). org2: an MDF accrual in March."""
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.get(user=world.alice)
        rebate = {"actor_membership": alice, "partner_org": world.org1, "kind": Kind.REBATE, "currency": "USD"}
        ledger_accrue(**rebate, amount="100", source=claim(1), business_date=FEB)
        ledger_approve(**rebate, amount="60", source=claim(1), business_date=MAR)
        ledger_pay(**rebate, amount="25", source=claim(1), business_date=APR, payment_reference="BANK-7")
        spiff = {**rebate, "kind": Kind.SPIFF}
        ledger_approve(**spiff, amount="40", source=claim(2), business_date=MAR, accrued=False)
        other = {**rebate, "partner_org": world.org2, "kind": Kind.MDF_REIMBURSEMENT}
        ledger_accrue(**other, amount="70", source=claim(3), business_date=MAR)
    return world


def listed(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_staff_list_every_partners_postings_and_filter_them(ledger):
    client = ledger.client(ledger.alice)
    assert len(listed(client.get(POSTINGS))) == 5
    org1 = listed(client.get(POSTINGS, {"partner_org": str(ledger.org1.pk)}))
    assert {p["partner_org"] for p in org1} == {str(ledger.org1.pk)} and len(org1) == 4
    assert [p["transfer"] for p in listed(client.get(POSTINGS, {"kind": "spiff"}))] == ["approve"]
    approved = listed(client.get(POSTINGS, {"bucket": "approved"}))  # into or out of the bucket
    assert sorted(p["transfer"] for p in approved) == ["approve", "approve", "pay"]
    march = listed(client.get(POSTINGS, {"date_from": "2026-03-01", "date_to": "2026-03-31"}))
    assert {p["business_date"] for p in march} == {"2026-03-10"} and len(march) == 3
    by_source = listed(client.get(POSTINGS, {"source_module": "mdf", "source_type": "claim", "source_id": "claim-1"}))
    assert len(by_source) == 3
    paid = listed(client.get(POSTINGS, {"bucket": "paid"}))[0]
    assert (paid["amount"], paid["payment_reference"], paid["reporting_amount"]) == ("25.0000", "BANK-7", "25.0000")


def test_a_partner_sees_only_its_own_organisations_postings_and_balances(ledger):
    for user, org in ((ledger.pat, ledger.org1), (ledger.una, ledger.org1), (ledger.otto, ledger.org2)):
        client = ledger.client(user)
        assert {p["partner_org"] for p in listed(client.get(POSTINGS))} == {str(org.pk)}
        assert {b["partner_org"] for b in listed(client.get(BALANCES))} == {str(org.pk)}
    with tenant_scope(ledger.tenant_a):
        org1_posting = Posting.objects.filter(partner_org=ledger.org1).first()
    otto = ledger.client(ledger.otto)
    assert otto.get(f"{POSTINGS}{org1_posting.pk}/").status_code == 404
    assert listed(otto.get(POSTINGS, {"partner_org": str(ledger.org1.pk)})) == []
    assert listed(ledger.client(ledger.charlie).get(POSTINGS)) == []  # another tenant's vendor admin


def test_balances_hold_what_moved_in_minus_what_moved_out(ledger):
    rows = listed(ledger.client(ledger.pat).get(BALANCES, {"kind": "rebate"}))
    assert {row["bucket"]: row["amount"] for row in rows} == {
        "accrued": "40.0000",
        "approved": "35.0000",
        "paid": "25.0000",
    }


def test_a_statement_has_opening_movements_and_closing_per_account_and_bucket(ledger):
    answer = ledger.client(ledger.alice).get(
        STATEMENT, {"partner_org": str(ledger.org1.pk), "date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert answer.status_code == 200, answer.content
    statement = answer.json()
    lines = {line["kind"]: line for line in statement["lines"]}
    assert set(lines) == {"rebate", "spiff"}
    zero = {"accrued": "0.0000", "approved": "0.0000", "paid": "0.0000"}
    assert lines["rebate"]["opening"] == {**zero, "accrued": "100.0000"}
    assert lines["rebate"]["moved_in"] == {**zero, "approved": "60.0000"}
    assert lines["rebate"]["moved_out"] == {**zero, "accrued": "60.0000"}
    assert lines["rebate"]["closing"] == {**zero, "accrued": "40.0000", "approved": "60.0000"}  # April's pay after
    assert lines["spiff"]["closing"] == {**zero, "approved": "40.0000"}
    assert [p["business_date"] for p in statement["postings"]] == ["2026-03-10", "2026-03-10"]
    assert statement["reporting_totals"] == {"accrued": "-60.0000", "approved": "100.0000", "paid": "0.0000"}
    assert statement["reporting_currency"] == "USD"


def test_a_partners_statement_is_of_its_own_organisation(ledger):
    pat = ledger.client(ledger.pat)
    own = pat.get(STATEMENT, {"date_from": "2026-01-01", "date_to": "2026-12-31"})
    assert own.status_code == 200 and own.json()["partner_org"] == str(ledger.org1.pk)
    other = pat.get(STATEMENT, {"partner_org": str(ledger.org2.pk), "date_from": "2026-01-01", "date_to": "2026-12-31"})
    assert (other.status_code, other.json()["code"]) == (422, "unprocessable")
    assert "70" not in other.content.decode()


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        (POSTINGS, {"bucket": "outside"}, 400, "invalid"),
        (POSTINGS, {"kind": "gift"}, 400, "invalid"),
        (POSTINGS, {"date_from": "2026-3-1"}, 400, "invalid"),
        (POSTINGS, {"partner_org": "nope"}, 400, "invalid"),
        (POSTINGS, {"source_id": " "}, 400, "invalid"),
        (BALANCES, {"bucket": "nowhere"}, 400, "invalid"),
        (STATEMENT, {"date_from": "2026-01-01"}, 400, "invalid"),
        (STATEMENT, {"date_from": "2026-01-01", "date_to": "20260131"}, 400, "invalid"),
        (STATEMENT, {"date_from": "2026-01-01", "date_to": "2026-01-31", "partner_org": "x"}, 400, "invalid"),
        (STATEMENT, {"date_from": "2026-01-01", "date_to": "2026-01-31", "extra": "1"}, 400, "invalid"),
        (STATEMENT, {"date_from": "2026-01-01", "date_to": "2026-01-31"}, 422, "partner_org_required"),
        (STATEMENT, {"date_from": "2026-02-01", "date_to": "2026-01-31", "partner_org": None}, 422, "invalid_period"),
    ],
)
def test_bad_input_is_answered_with_a_clear_error(ledger, path, query, status, code):
    if query.get("partner_org", "") is None:
        query["partner_org"] = str(ledger.org1.pk)
    answer = ledger.client(ledger.alice).get(path, query)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.content
    assert answer.json()["detail"]


def test_the_ledger_api_is_read_only(ledger):
    client = ledger.client(ledger.alice)
    assert client.post(POSTINGS, {}, content_type="application/json").status_code == 405
    assert client.post(BALANCES, {}, content_type="application/json").status_code == 405
