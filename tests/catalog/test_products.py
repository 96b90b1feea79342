"""Products: created and edited through the pages and the API by vendor admins, SKU unique per tenant
(case-insensitively), bad input refused with a clear message and nothing changed, read-only for the other
vendor roles; partners look the active products up (tests/catalog/test_partner_catalogue.py) and nothing more."""

import pytest

from prm.audit.models import AuditEvent
from prm.catalog.models import Product
from prm.tenancy.context import tenant_scope
from tests.catalog.conftest import page_text
from tests.factories import ProductFactory

PRODUCTS_API = "/api/v1/products/"


def products_of(tenant):
    with tenant_scope(tenant):
        return {p.sku: (p.name, p.family, p.active) for p in Product.objects.all()}


@pytest.fixture
def product(world):
    with tenant_scope(world.tenant_a):
        return ProductFactory(sku="AX-100", name="Access switch", family="Switching")


# --- pages -------------------------------------------------------------------------------------------


def test_vendor_admin_creates_a_product_on_the_page_and_it_is_audited(world):
    response = world.client(world.alice).post(
        "/catalog/products/new/", {"sku": "AX-200", "name": "Core switch", "family": "Switching", "active": "on"}
    )
    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        product = Product.objects.get(sku="AX-200")
        event = AuditEvent.objects.get(action="product.create")
    assert response["Location"] == f"/catalog/products/{product.pk}/"
    assert (product.name, product.family, product.active) == ("Core switch", "Switching", True)
    assert event.object_id == str(product.pk)
    assert event.actor == world.alice
    assert event.after["sku"] == "AX-200"


def test_vendor_admin_edits_a_product_on_its_page_with_before_and_after_audited(world, product):
    response = world.client(world.alice).post(
        f"/catalog/products/{product.pk}/", {"sku": "AX-100", "name": "Access switch 48", "family": "Switching"}
    )
    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        product.refresh_from_db()
    assert product.name == "Access switch 48"
    assert product.active is False  # an unticked checkbox is "inactive"
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="product.update")
    assert event.before["name"] == "Access switch"
    assert event.after["name"] == "Access switch 48"
    assert (event.before["active"], event.after["active"]) == (True, False)


def test_product_page_shows_the_product_to_vendor_staff(world, product):
    response = world.client(world.bob).get(f"/catalog/products/{product.pk}/")
    assert response.status_code == 200
    assert "AX-100 — Access switch" in page_text(response)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sku": "", "name": "No SKU"}, "sku"),
        ({"sku": "AX-300", "name": ""}, "name"),
        ({"sku": "X" * 65, "name": "Long SKU"}, "sku"),
    ],
    ids=["missing-sku", "missing-name", "sku-too-long"],
)
def test_product_create_page_refuses_bad_input_with_400_and_creates_nothing(world, data, field):
    response = world.client(world.alice).post("/catalog/products/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert products_of(world.tenant_a) == {}


def test_product_edit_page_refuses_a_missing_name_and_changes_nothing(world, product):
    response = world.client(world.alice).post(
        f"/catalog/products/{product.pk}/", {"sku": "AX-100", "name": "", "active": "on"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.context["form"].errors["name"]
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}


def test_sku_is_unique_per_tenant_case_insensitively_on_the_page(world, product):
    response = world.client(world.alice).post("/catalog/products/new/", {"sku": "ax-100", "name": "Copy"})
    assert response.status_code == 400
    assert "SKU ax-100 exists already." in page_text(response)
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}


def test_renaming_a_sku_onto_another_products_sku_is_refused_on_the_page(world, product):
    with tenant_scope(world.tenant_a):
        other = ProductFactory(sku="AX-101", name="Other")
    response = world.client(world.alice).post(f"/catalog/products/{other.pk}/", {"sku": "Ax-100", "name": "Other"})
    assert response.status_code == 400
    assert "SKU Ax-100 exists already." in page_text(response)
    with tenant_scope(world.tenant_a):
        other.refresh_from_db()
    assert other.sku == "AX-101"


def test_the_same_sku_is_allowed_in_another_tenant(world, product):
    response = world.client(world.charlie).post("/catalog/products/new/", {"sku": "ax-100", "name": "Globex switch"})
    assert response.status_code == 302
    assert products_of(world.tenant_b) == {"ax-100": ("Globex switch", "", False)}
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}


# --- API ---------------------------------------------------------------------------------------------


def test_vendor_admin_creates_a_product_through_the_api(world):
    response = world.client(world.alice).post(
        PRODUCTS_API, {"sku": "AX-400", "name": "Router", "family": "Routing"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["sku"], body["name"], body["family"], body["active"]) == ("AX-400", "Router", "Routing", True)
    with tenant_scope(world.tenant_a):
        assert str(Product.objects.get(sku="AX-400").pk) == body["id"]
        assert AuditEvent.objects.filter(action="product.create", object_id=body["id"]).exists()


def test_vendor_admin_patches_a_product_through_the_api(world, product):
    response = world.client(world.alice).patch(
        f"{PRODUCTS_API}{product.pk}/", {"name": "Access switch v2", "active": False}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Access switch v2"
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch v2", "Switching", False)}
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="product.update")
    assert (event.before["name"], event.after["name"]) == ("Access switch", "Access switch v2")


def test_api_lists_and_retrieves_the_tenants_products_only(world, product):
    with tenant_scope(world.tenant_b):
        ProductFactory(sku="GLX-1", name="Globex thing")
    client = world.client(world.alice)
    listed = client.get(PRODUCTS_API).json()["results"]
    assert [p["sku"] for p in listed] == ["AX-100"]
    assert client.get(f"{PRODUCTS_API}{product.pk}/").json()["name"] == "Access switch"


def test_sku_is_unique_per_tenant_case_insensitively_in_the_api(world, product):
    response = world.client(world.alice).post(
        PRODUCTS_API, {"sku": "ax-100", "name": "Copy"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json() == {"code": "duplicate_sku", "detail": "SKU ax-100 exists already."}
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}


def test_api_patch_onto_another_products_sku_is_refused(world, product):
    with tenant_scope(world.tenant_a):
        other = ProductFactory(sku="AX-101", name="Other")
    response = world.client(world.alice).patch(
        f"{PRODUCTS_API}{other.pk}/", {"sku": "AX-100"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_sku"
    with tenant_scope(world.tenant_a):
        other.refresh_from_db()
    assert other.sku == "AX-101"


def test_the_same_sku_is_allowed_in_another_tenant_through_the_api(world, product):
    response = world.client(world.charlie).post(
        PRODUCTS_API, {"sku": "AX-100", "name": "Globex switch"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert products_of(world.tenant_b) == {"AX-100": ("Globex switch", "", True)}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No SKU"}, "sku"),
        ({"sku": "AX-500"}, "name"),
        ({"sku": "", "name": "Blank SKU"}, "sku"),
        ({"sku": "X" * 65, "name": "Long SKU"}, "sku"),
        ({"sku": "AX-500", "name": "Router", "active": "maybe"}, "active"),
    ],
    ids=["missing-sku", "missing-name", "blank-sku", "sku-too-long", "non-boolean-active"],
)
def test_api_create_refuses_bad_input_with_400_naming_the_field_and_creates_nothing(world, body, field):
    response = world.client(world.alice).post(PRODUCTS_API, body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert data["errors"][field]
    assert products_of(world.tenant_a) == {}


@pytest.mark.parametrize(
    "body",
    [{"active": "maybe"}, {"sku": "X" * 65}, {"name": ""}, {"sku": ""}],
    ids=["non-boolean-active", "sku-too-long", "blank-name", "blank-sku"],
)
def test_api_patch_refuses_bad_input_with_400_and_changes_nothing(world, product, body):
    response = world.client(world.alice).patch(f"{PRODUCTS_API}{product.pk}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][next(iter(body))]
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}
    with tenant_scope(world.tenant_a):
        assert not AuditEvent.objects.filter(action="product.update").exists()


# --- roles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bob", "analyst"])
def test_channel_manager_and_analyst_read_the_catalogue_but_cannot_write_it(world, analyst, product, who):
    user = analyst if who == "analyst" else world.bob
    client = world.client(user)
    assert client.get("/catalog/products/").status_code == 200
    assert client.get(f"/catalog/products/{product.pk}/").status_code == 200
    assert client.get("/catalog/price-lists/").status_code == 200
    assert client.get(PRODUCTS_API).status_code == 200
    assert client.get(f"{PRODUCTS_API}{product.pk}/prices/").status_code == 200

    assert client.get("/catalog/products/new/").status_code == 403
    assert client.post("/catalog/products/new/", {"sku": "N-1", "name": "New"}).status_code == 403
    assert client.post(f"/catalog/products/{product.pk}/", {"sku": "AX-100", "name": "Hacked"}).status_code == 403
    assert client.get("/catalog/products/import/").status_code == 403
    assert client.post("/catalog/price-lists/", {"name": "L", "currency": "EUR"}).status_code == 403
    json = "application/json"
    assert client.post(PRODUCTS_API, {"sku": "N-1", "name": "New"}, content_type=json).status_code == 403
    assert client.patch(f"{PRODUCTS_API}{product.pk}/", {"name": "Hacked"}, content_type=json).status_code == 403
    assert client.post("/api/v1/price-lists/", {"name": "L", "currency": "EUR"}, content_type=json).status_code == 403
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}


@pytest.mark.parametrize("who", ["pat", "una"])
def test_partner_users_get_403_on_the_staff_only_catalogue_pages_and_api(world, product, who):
    client = world.client(getattr(world, who))
    for url in (
        "/catalog/products/new/",
        "/catalog/products/import/",
        f"/catalog/products/{product.pk}/",
        "/catalog/price-lists/",
        f"{PRODUCTS_API}{product.pk}/prices/",
        "/api/v1/price-lists/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(PRODUCTS_API, {"sku": "P-1", "name": "Partner"}, content_type="application/json")
    assert response.status_code == 403
    assert client.post("/catalog/products/new/", {"sku": "P-1", "name": "Partner"}).status_code == 403
    assert products_of(world.tenant_a) == {"AX-100": ("Access switch", "Switching", True)}
