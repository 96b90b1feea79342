"""The API's contract: every error is JSON {"code", "detail"[, "errors"]}; the OpenAPI schema is valid and
lists every resource; the docs page loads only the portal's own assets; lists are paginated with a cap."""

import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from prm.accounts.models import Membership
from prm.catalog.models import Product
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of
from tests.factories import ProductFactory

API_PATHS = [
    "/api/v1/me/",
    "/api/v1/partner-orgs/",
    "/api/v1/users/",
    "/api/v1/invitations/",
    "/api/v1/products/",
    "/api/v1/price-lists/",
    "/api/v1/audit-events/",
    "/api/v1/pos/imports/",
    "/api/v1/pos/lines/",
]


def post_json(client, path, data):
    return client.post(path, data, content_type="application/json")


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"code", "detail", "errors"}
    return body


# --- error shape ------------------------------------------------------------------------------------------


def test_a_validation_error_answers_400_invalid_with_the_errors_of_each_field(world):
    response = post_json(world.client(world.alice), "/api/v1/partner-orgs/", {"partner_type": "nonsense"})

    body = assert_error(response, 400, "invalid")
    errors = body["errors"]
    assert set(errors) == {"name", "partner_type", "country"}
    assert all(isinstance(msgs, list) and all(isinstance(m, str) for m in msgs) for msgs in errors.values())
    assert "required" in errors["name"][0]
    assert "nonsense" in errors["partner_type"][0]


def test_a_validation_error_of_an_action_body_has_the_same_shape(world):
    with tenant_scope(world.tenant_a):
        product = ProductFactory()
    response = post_json(
        world.client(world.alice), f"/api/v1/products/{product.pk}/prices/", {"amount": "-1", "valid_from": "soon"}
    )

    body = assert_error(response, 400, "invalid")
    assert {"price_list", "amount", "valid_from"} <= set(body["errors"])


def test_an_id_of_another_tenant_in_a_body_is_a_field_error(world):
    response = post_json(
        world.client(world.alice),
        "/api/v1/invitations/",
        {"email": "new@alpha.test", "role": "partner_user", "partner_org": str(world.org_b.pk)},
    )

    body = assert_error(response, 422, "unprocessable")
    assert list(body["errors"]) == ["partner_org"]
    assert "Gamma" not in response.content.decode()


def test_a_rule_refused_by_a_service_answers_422_with_the_services_code(world):
    response = world.client(world.alice).patch(
        f"/api/v1/partner-orgs/{world.org1.pk}/", {"status": "inactive"}, content_type="application/json"
    )

    body = assert_error(response, 422, "reason_required")
    assert "errors" not in body
    with tenant_scope(world.tenant_a):
        world.org1.refresh_from_db()
    assert world.org1.status == "active"


def test_a_service_refusal_with_its_own_status_keeps_that_status(world):
    with tenant_scope(world.tenant_a):
        alice_membership = Membership.objects.get(user=world.alice)

    response = post_json(
        world.client(world.bob), f"/api/v1/users/{alice_membership.pk}/deactivate/", {"reason": "coup"}
    )

    assert_error(response, 403, "forbidden")
    with tenant_scope(world.tenant_a):
        alice_membership.refresh_from_db()
    assert alice_membership.is_active


def test_a_malformed_json_body_answers_400_parse_error(world):
    response = world.client(world.alice).post(
        "/api/v1/partner-orgs/", data=b'{"name": ', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_no_credentials_answer_401_not_authenticated(world):
    response = world.client(None).get("/api/v1/partner-orgs/")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_answers_401_authentication_failed(world):
    client = world.client(None)
    response = client.get("/api/v1/partner-orgs/", HTTP_AUTHORIZATION="Token prm_unknown")
    assert_error(response, 401, "authentication_failed")


def test_a_role_without_access_answers_403_forbidden(world):
    response = world.client(world.una).get("/api/v1/partner-orgs/")
    assert_error(response, 403, "forbidden")


def test_a_read_only_role_writing_answers_403(world):
    response = post_json(world.client(world.bob), "/api/v1/products/", {"sku": "X-1", "name": "X"})
    assert_error(response, 403, "forbidden")
    with tenant_scope(world.tenant_a):
        assert not Product.objects.exists()


def test_an_unknown_uuid_answers_404_not_found(world):
    response = world.client(world.alice).get(f"/api/v1/partner-orgs/{uuid.uuid4()}/")
    assert_error(response, 404, "not_found")


def test_another_tenants_object_answers_the_same_404(world):
    response = world.client(world.alice).get(f"/api/v1/partner-orgs/{world.org_b.pk}/")

    assert_error(response, 404, "not_found")
    assert "Gamma" not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/partner-orgs/{org}/"),
        ("put", "/api/v1/partner-orgs/{org}/"),
        ("delete", "/api/v1/products/"),
        ("post", "/api/v1/audit-events/"),
        ("post", "/api/v1/me/"),
    ],
)
def test_a_method_the_route_does_not_take_answers_405_method_not_allowed(world, method, path):
    client = world.client(world.alice)
    response = getattr(client, method)(path.format(org=world.org1.pk), content_type="application/json")

    body = assert_error(response, 405, "method_not_allowed")
    assert method.upper() in body["detail"]


# --- schema and docs --------------------------------------------------------------------------------------


@pytest.fixture
def schema(world):
    response = world.client(world.alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_the_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema
    assert schema["info"]["title"] == "PRM portal API"


def test_the_schema_lists_every_api_resource(schema):
    paths = set(schema["paths"])
    for path in API_PATHS:
        assert path in paths
    assert "/api/v1/partner-orgs/{id}/" in paths
    assert "/api/v1/products/{id}/prices/" in paths
    assert "/api/v1/users/{id}/deactivate/" in paths
    assert "/api/v1/pos/imports/{id}/" in paths
    assert "/api/v1/pos/imports/{id}/rejects.csv" in paths


def test_the_schema_can_be_exported_offline_with_no_tenant_in_scope(db, tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))

    exported = json.loads(out.read_text())
    assert set(API_PATHS) <= set(exported["paths"])


def test_the_schema_documents_token_authentication(schema):
    token_auth = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token_auth == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"tokenAuth": []} in me["security"]


def test_the_schema_is_the_same_on_every_tenant_host_and_names_no_tenant(world, schema):
    other = world.client(world.charlie).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert json.loads(other.content) == schema
    text = json.dumps(schema)
    for name in ("acme", "globex", "Acme", "Globex", "Alpha Resellers"):
        assert name not in text


def test_the_docs_page_loads_swagger_ui_from_the_portals_own_static_files(world):
    response = world.client(world.alice).get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script src|link rel="[^"]*" href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in (a for a in assets if a != "/api/docs/?script="):
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the portal's static files"
    # No absolute URL to any other host, in tags or in the init script (a file of its own: tests/security).
    script = world.client(world.alice).get("/api/docs/?script=").content.decode()
    for url in re.findall(r"""https?://[^\s"'<>)]+""", html + script):
        assert urlsplit(url).hostname == host_of(world.tenant_a), url


def test_the_docs_page_is_inside_the_portals_page_with_its_bar_and_user_menu(world):
    html = world.client(world.alice).get("/api/docs/").content.decode()

    assert 'data-testid="brand"' in html and 'href="/accounts/2fa/"' in html  # the bar and its user menu
    main = html[html.index("<main") : html.index("</main>")]
    assert '<h1 class="h3">API documentation</h1>' in main
    assert '<div id="swagger-ui"' in main
    assert html.index("swagger-ui.css") < html.index("</head>")


# --- pagination -------------------------------------------------------------------------------------------


@pytest.fixture
def many_products(world):
    with tenant_scope(world.tenant_a):
        Product.all_tenants.bulk_create(
            Product(tenant=world.tenant_a, sku=f"BULK-{n:04d}", name=f"Bulk {n}", family="Bulk") for n in range(501)
        )
        assert Product.objects.count() == 501
    return world


def test_lists_are_paginated_with_count_next_previous_and_results(world):
    with tenant_scope(world.tenant_a):
        for _ in range(3):
            ProductFactory()
    client = world.client(world.alice)

    first = client.get("/api/v1/products/", {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert urlsplit(first["next"]).hostname == host_of(world.tenant_a)

    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] is not None
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(seen) == 3


def test_the_default_page_holds_50_rows(many_products):
    body = many_products.client(many_products.alice).get("/api/v1/products/").json()
    assert body["count"] == 501
    assert len(body["results"]) == 50


def test_page_size_is_capped_at_500(many_products):
    client = many_products.client(many_products.alice)
    body = client.get("/api/v1/products/", {"page_size": 500}).json()
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert body["next"] is not None
    refused = assert_error(client.get("/api/v1/products/", {"page_size": 100000}), 400, "invalid")
    assert list(refused["errors"]) == ["page_size"]


def test_a_page_past_the_end_answers_404_not_found(world):
    response = world.client(world.alice).get("/api/v1/products/", {"page": 99})
    assert_error(response, 404, "not_found")
