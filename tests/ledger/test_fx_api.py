"""/api/v1/fx-rates/: vendor staff list (filtered by pair and dates), vendor admins add one or many (a result per
rate) or upload a CSV file; convert/ answers an amount at the rate of a date or 422 missing_fx_rate; partners are
refused; schema-breaking input is 400, a rule 422, a duplicate 409; a retried create with its key adds nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from prm.accounts.models import Role
from prm.accounts.services import api_token_create
from prm.ledger.models import FxRate
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of, make_member

URL = "/api/v1/fx-rates/"
RATE = {"base_currency": "EUR", "quote_currency": "USD", "rate": "1.0842", "valid_from": "2026-01-01"}


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def rates(world):
    with tenant_scope(world.tenant_a):
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate="1.08", valid_from="2026-01-01")
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate="1.10", valid_from="2026-02-01")
        FxRate.objects.create(base_currency="GBP", quote_currency="USD", rate="1.25", valid_from="2026-01-01")
    with tenant_scope(world.tenant_b):
        FxRate.objects.create(base_currency="CHF", quote_currency="EUR", rate="1.05", valid_from="2026-01-01")


def listed(response):
    assert response.status_code == 200, response.content
    return [(r["base_currency"], r["quote_currency"], r["valid_from"]) for r in response.json()["results"]]


def test_vendor_staff_list_the_tenants_rates_filtered_by_pair_and_dates(world, rates):
    with tenant_scope(world.tenant_a):
        analyst = make_member(Role.ANALYST)
    client = world.client(analyst)
    assert len(listed(client.get(URL))) == 3
    assert listed(client.get(URL, {"base": "EUR", "quote": "USD", "date_from": "2026-01-15"})) == [
        ("EUR", "USD", "2026-02-01")
    ]
    assert listed(client.get(URL, {"date_to": "2026-01-01", "ordering": "base_currency"})) == [
        ("EUR", "USD", "2026-01-01"),
        ("GBP", "USD", "2026-01-01"),
    ]
    assert post(client, URL, RATE).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", URL), ("post", URL), ("post", URL + "bulk/"), ("post", URL + "upload/"), ("get", URL + "convert/")],
)
def test_partners_are_refused(world, method, url):
    response = getattr(world.client(world.pat), method)(url)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_vendor_admin_adds_a_rate(world):
    response = post(world.client(world.alice), URL, RATE)
    assert response.status_code == 201, response.content
    assert response.json()["rate"] == "1.0842000000" and response.json()["source"] == "api"
    with tenant_scope(world.tenant_a):
        assert FxRate.objects.get(pk=response.json()["id"]).created_by == world.alice


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({**RATE, "base_currency": "eur"}, 400, "invalid"),  # the enum is upper case
        ({**RATE, "rate": 1.08}, 400, "invalid"),  # a decimal is a string
        ({**RATE, "rate": "-1"}, 400, "invalid"),
        ({**RATE, "valid_from": "01/01/2026"}, 400, "invalid"),
        ({**RATE, "source": "bank"}, 400, "invalid"),  # read-only
        ({k: v for k, v in RATE.items() if k != "rate"}, 400, "invalid"),
        ({**RATE, "rate": "0"}, 422, "invalid_rate"),
        ({**RATE, "quote_currency": "EUR"}, 422, "same_currency"),
        ({**RATE, "valid_from": "2026-01-01"}, 409, "duplicate_fx_rate"),
    ],
)
def test_bad_input_is_refused_with_the_contracts_status(world, rates, body, status, code):
    response = post(world.client(world.alice), URL, body)
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    with tenant_scope(world.tenant_a):
        assert FxRate.objects.count() == 3


def test_a_retried_create_with_its_idempotency_key_adds_the_rate_once(world):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=world.alice, name="treasury feed")
    client = Client(HTTP_HOST=host_of(world.tenant_a), HTTP_AUTHORIZATION=f"Token {key}")
    first = post(client, URL, RATE, **{"Idempotency-Key": "rate-1"})
    again = post(client, URL, RATE, **{"Idempotency-Key": "rate-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    with tenant_scope(world.tenant_a):
        assert FxRate.objects.count() == 1


def test_bulk_answers_a_result_per_rate(world, rates):
    body = {
        "rates": [
            RATE,  # exists
            {**RATE, "valid_from": "2026-03-01"},
            {**RATE, "valid_from": "2026-03-01", "rate": "1.2"},  # the same as index 1
            {**RATE, "quote_currency": "EUR"},
        ]
    }
    response = post(world.client(world.alice), URL + "bulk/", body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (1, 3)
    assert [(r["index"], r["status"], r["code"]) for r in answer["results"]] == [
        (0, "rejected", "duplicate_fx_rate"),
        (1, "accepted", None),
        (2, "rejected", "duplicate_in_batch"),
        (3, "rejected", "same_currency"),
    ]
    with tenant_scope(world.tenant_a):
        assert str(FxRate.objects.get(valid_from="2026-03-01").pk) == answer["results"][1]["id"]


@pytest.mark.parametrize(
    "body", [[RATE], {"rates": []}, {"rates": [{**RATE, "rate": "x"}]}, {"rates": [RATE], "extra": 1}]
)
def test_a_bulk_body_that_breaks_the_schema_is_400_and_adds_nothing(world, body):
    response = post(world.client(world.alice), URL + "bulk/", body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    with tenant_scope(world.tenant_a):
        assert not FxRate.objects.exists()


def test_an_uploaded_csv_answers_a_result_per_line(world):
    content = b"base_currency,quote_currency,rate,valid_from\nEUR,USD,1.1,2026-01-01\nEUR,USD,x,2026-02-01\n"
    response = world.client(world.alice).post(URL + "upload/", {"file": SimpleUploadedFile("r.csv", content)})
    assert response.status_code == 200, response.content
    assert [(r["line"], r["status"], r["code"]) for r in response.json()["results"]] == [
        (2, "accepted", None),
        (3, "rejected", "invalid_rate"),
    ]


def test_an_upload_that_is_not_a_rates_file_is_422(world):
    response = world.client(world.alice).post(URL + "upload/", {"file": SimpleUploadedFile("r.csv", b"sku\nA\n")})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_header")


def test_convert_answers_the_amount_at_the_rate_of_the_date(world, rates):
    response = world.client(world.alice).get(URL + "convert/", {"amount": "100", "currency": "EUR", "on": "2026-01-31"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "amount": "100.0000",
        "currency": "EUR",
        "to": "USD",  # the tenant's reporting currency
        "converted_amount": "108.00",
        "rate": "1.0800000000",
        "rate_valid_from": "2026-01-01",
    }
    inverse = world.client(world.alice).get(
        URL + "convert/", {"amount": "110", "currency": "USD", "to": "EUR", "on": "2026-02-01"}
    )
    assert inverse.json()["converted_amount"] == "100.00"


def test_convert_without_a_rate_is_422_missing_fx_rate_naming_the_pair_and_date(world, rates):
    response = world.client(world.alice).get(
        URL + "convert/", {"amount": "1", "currency": "EUR", "to": "GBP", "on": "2026-02-01"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "missing_fx_rate")
    assert "EUR" in response.json()["detail"] and "GBP" in response.json()["detail"]
    assert "2026-02-01" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        {"currency": "EUR"},
        {"amount": "1e3", "currency": "EUR"},
        {"amount": "1", "currency": "eur"},
        {"amount": "1", "currency": "EUR", "on": "2026-2-1"},
        {"amount": "1", "currency": "EUR", "at": "2026-02-01"},
    ],
)
def test_convert_with_bad_parameters_is_400(world, rates, query):
    response = world.client(world.alice).get(URL + "convert/", query)
    assert (response.status_code, response.json()["code"]) == (400, "invalid"), response.content
