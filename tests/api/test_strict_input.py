"""The API reads a request exactly as its OpenAPI schema states it (docs/api.md, "Errors"): what breaks the schema
answers 400 `invalid` naming the field or parameter (an unknown property, a value of another JSON type, a text too
long as sent, a query parameter that is not a valid value), a schema-valid request refused by a rule answers 422,
a conflict with the current state 409 — and none of them changes anything."""

import uuid

import pytest
from django.test import Client

from pos.models import PosImport
from prm.accounts.models import Invitation
from prm.api.serializers import UNKNOWN_FIELD, WRONG_TYPE
from prm.catalog.models import Price, PriceList, Product
from prm.tenancy.context import tenant_scope
from tests.api.test_errors_and_schema import assert_error, post_json
from tests.conftest import host_of
from tests.factories import PriceListFactory, ProductFactory
from tests.factories.populate import pos_line


def price_list_names(world):
    with tenant_scope(world.tenant_a):
        return sorted(PriceList.objects.values_list("name", flat=True))


# --- bodies: closed objects, JSON types, lengths as sent ----------------------------------------------------


def test_an_unknown_body_property_is_refused_and_nothing_is_created(world):
    body = {"name": "EUR list", "currency": "EUR", "colour": "red"}

    response = post_json(world.client(world.alice), "/api/v1/price-lists/", body)

    assert assert_error(response, 400, "invalid")["errors"] == {"colour": [str(UNKNOWN_FIELD)]}
    assert price_list_names(world) == []


@pytest.mark.parametrize(
    ("path", "body", "field", "json_type"),
    [
        pytest.param("/api/v1/price-lists/", {"name": 5, "currency": "EUR"}, "name", "string", id="number_for_text"),
        pytest.param(
            "/api/v1/products/",
            {"sku": "AX-1", "name": "Switch", "active": "true"},
            "active",
            "boolean",
            id="text_for_bool",
        ),
    ],
)
def test_a_value_of_another_json_type_is_refused_and_nothing_is_created(world, path, body, field, json_type):
    response = post_json(world.client(world.alice), path, body)

    errors = assert_error(response, 400, "invalid")["errors"]
    assert errors == {field: [WRONG_TYPE % {"type": json_type}]}
    with tenant_scope(world.tenant_a):
        assert not PriceList.objects.exists() and not Product.objects.exists()


def test_a_text_is_measured_as_sent_before_it_is_trimmed(world):
    client = world.client(world.alice)
    too_long = " " * 50 + "List" + " " * 50  # 104 characters, 4 once trimmed; the schema allows 100
    at_the_limit = " " * 48 + "List" + " " * 48

    refused = post_json(client, "/api/v1/price-lists/", {"name": too_long, "currency": "EUR"})
    assert list(assert_error(refused, 400, "invalid")["errors"]) == ["name"]
    assert price_list_names(world) == []
    assert post_json(client, "/api/v1/price-lists/", {"name": at_the_limit, "currency": "EUR"}).status_code == 201


# --- query parameters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        pytest.param("/api/v1/users/", {"is_active": "maybe"}, "is_active", id="boolean_not_true_or_false"),
        pytest.param("/api/v1/users/", {"partner_org": ""}, "partner_org", id="empty_filter"),
        pytest.param("/api/v1/products/", {"ordering": "nope"}, "ordering", id="unknown_ordering_term"),
        pytest.param("/api/v1/products/", {"ordering": "name,nope"}, "ordering", id="one_unknown_ordering_term"),
        pytest.param("/api/v1/products/", {"page": "0"}, "page", id="page_0"),
        pytest.param("/api/v1/products/", {"page": "two"}, "page", id="page_not_a_number"),
        pytest.param("/api/v1/products/", {"page_size": "501"}, "page_size", id="page_size_501"),
        pytest.param("/api/v1/products/", {"page_size": "0"}, "page_size", id="page_size_0"),
        pytest.param("/api/v1/products/", {"family": " "}, "family", id="blank_text_filter"),
        pytest.param("/api/v1/products/", {"ordering": " name"}, "ordering", id="ordering_term_with_a_space"),
        pytest.param("/api/v1/users/", {"partner_org": uuid.uuid4().hex}, "partner_org", id="uuid_without_hyphens"),
        pytest.param("/api/v1/pos/lines/", {"date_from": "20260105"}, "date_from", id="date_not_yyyy_mm_dd"),
        pytest.param("/api/v1/pos/sales-summary/", {"group_by": ""}, "group_by", id="empty_choice"),
    ],
)
def test_an_invalid_query_parameter_answers_400_naming_it(world, path, query, parameter):
    response = world.client(world.alice).get(path, query)

    assert list(assert_error(response, 400, "invalid")["errors"]) == [parameter]


def test_a_page_past_the_last_answers_404(world):
    with tenant_scope(world.tenant_a):
        ProductFactory()

    assert_error(world.client(world.alice).get("/api/v1/products/", {"page": "9999"}), 404, "not_found")


def test_an_unknown_or_foreign_id_as_a_filter_matches_nothing(world):
    client = world.client(world.alice)

    for partner_org in (uuid.uuid4(), world.org_b.pk):
        response = client.get("/api/v1/users/", {"partner_org": str(partner_org)})
        assert response.status_code == 200, response.content
        assert (response.json()["count"], response.json()["results"]) == (0, [])
    assert client.get("/api/v1/users/", {"partner_org": str(world.org1.pk)}).json()["count"] == 2


# --- 422 and 409 ----------------------------------------------------------------------------------------------


def test_an_unknown_referenced_id_in_a_body_answers_422_and_creates_nothing(world):
    body = {"email": "new@alpha.test", "role": "partner_user", "partner_org": str(uuid.uuid4())}

    response = post_json(world.client(world.alice), "/api/v1/invitations/", body)

    assert list(assert_error(response, 422, "unprocessable")["errors"]) == ["partner_org"]
    with tenant_scope(world.tenant_a):
        assert not Invitation.objects.exists()


def test_a_duplicate_price_list_name_answers_409_and_creates_nothing(world):
    with tenant_scope(world.tenant_a):
        PriceListFactory(name="EUR list", currency="EUR")

    response = post_json(world.client(world.alice), "/api/v1/price-lists/", {"name": "eur LIST", "currency": "USD"})

    assert_error(response, 409, "duplicate_name")
    assert price_list_names(world) == ["EUR list"]


# --- responses as the schema states them ----------------------------------------------------------------------


def test_a_products_price_history_is_paginated(world):
    with tenant_scope(world.tenant_a):
        product = ProductFactory()
        price_list = PriceListFactory()
        for day in ("2026-01-01", "2026-02-01"):
            Price.objects.create(product=product, price_list=price_list, amount="10", valid_from=day)
    client = world.client(world.alice)

    body = client.get(f"/api/v1/products/{product.pk}/prices/").json()
    first_page = client.get(f"/api/v1/products/{product.pk}/prices/", {"page_size": "1"}).json()

    assert (body["count"], [p["valid_from"] for p in body["results"]]) == (2, ["2026-02-01", "2026-01-01"])
    assert (first_page["count"], len(first_page["results"]), first_page["next"] is not None) == (2, 1, True)


def test_an_import_of_lines_sent_as_json_has_no_file_name_and_the_schema_says_so(world):
    client = world.client(world.pat)
    sent = post_json(client, "/api/v1/pos/lines/", {"lines": [pos_line("API-1", "NOPE")]})
    assert sent.status_code == 201, sent.content

    pos_import = client.get(f"/api/v1/pos/imports/{sent.json()['import']}/").json()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert (pos_import["source"], pos_import["file_name"]) == (PosImport.Source.API, None)
    assert schema["components"]["schemas"]["PosImport"]["properties"]["file_name"]["nullable"] is True


def test_a_post_to_an_unknown_api_path_with_a_session_answers_the_json_404_not_the_csrf_page(world):
    client = Client(HTTP_HOST=host_of(world.tenant_a), enforce_csrf_checks=True)
    client.force_login(world.alice)

    response = client.post("/api/v1/no-such-thing/", {"name": "x"}, content_type="application/json")

    assert_error(response, 404, "not_found")


# --- bodies the schema's formats and the JSON parser refuse --------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "amount"),
    [
        pytest.param("20260105", "12.50", id="date_in_basic_form"),
        pytest.param("2026-W01-1", "12.50", id="week_date"),
        pytest.param("2026-01-05", " 12.50", id="decimal_with_a_space"),
        pytest.param("2026-01-05", "1e2", id="decimal_with_an_exponent"),
        pytest.param("2026-01-05", "-5", id="negative_amount_the_schema_has_no_sign_for"),
    ],
)
def test_a_date_or_decimal_in_another_form_than_the_schemas_is_refused(world, valid_from, amount):
    with tenant_scope(world.tenant_a):
        product, price_list = ProductFactory(), PriceListFactory()
    body = {"price_list": str(price_list.pk), "amount": amount, "valid_from": valid_from}

    response = post_json(world.client(world.alice), f"/api/v1/products/{product.pk}/prices/", body)

    assert assert_error(response, 400, "invalid")["errors"].keys() <= {"valid_from", "amount"}
    with tenant_scope(world.tenant_a):
        assert not Price.objects.exists()


def test_a_related_id_without_hyphens_is_refused(world):
    body = {"email": "new@alpha.test", "role": "partner_user", "partner_org": world.org1.pk.hex}

    response = post_json(world.client(world.alice), "/api/v1/invitations/", body)

    assert list(assert_error(response, 400, "invalid")["errors"]) == ["partner_org"]


@pytest.mark.parametrize("raw", ["[]", '"price list"', "5", "null"], ids=["array", "string", "number", "null"])
def test_a_body_that_is_not_an_object_answers_400(world, raw):
    response = world.client(world.alice).post("/api/v1/price-lists/", raw, content_type="application/json")

    assert_error(response, 400, "invalid")
    assert price_list_names(world) == []


@pytest.mark.parametrize(
    "raw",
    ['{"name": "\\ud800", "currency": "EUR"}', '{"\\udfff": 1}', "[" * 100_000],
    ids=["lone_surrogate_value", "lone_surrogate_key", "nested_too_deeply"],
)
def test_a_body_json_reads_but_the_portal_cannot_hold_answers_400(world, raw):
    response = world.client(world.alice).post("/api/v1/price-lists/", raw, content_type="application/json")

    assert_error(response, 400, "parse_error")
    assert price_list_names(world) == []


@pytest.mark.parametrize("email", ["pat@[127.0.0.1]", "pat@bücher.test"], ids=["address_literal", "unicode_domain"])
def test_an_email_outside_the_schemas_pattern_is_refused_though_django_would_take_it(world, email):
    body = {"email": email, "role": "partner_user", "partner_org": str(world.org1.pk)}

    response = post_json(world.client(world.alice), "/api/v1/invitations/", body)

    assert list(assert_error(response, 400, "invalid")["errors"]) == ["email"]
    with tenant_scope(world.tenant_a):
        assert not Invitation.objects.filter(email=email).exists()
