"""Partners look the vendor's catalogue up: a read-only, searchable list of the tenant's active products (SKU, name,
family) on the page their navigation offers and through the products API; inactive products, another tenant's
products, edit controls and the staff-only routes (price history, price lists, writes) are never theirs."""

import pytest
from django.utils import translation

from prm.catalog.models import Product
from prm.tenancy.context import tenant_scope
from tests.catalog.conftest import page_text
from tests.factories import ProductFactory

PAGE = "/catalog/products/"
API = "/api/v1/products/"
JSON = "application/json"


@pytest.fixture
def catalogue(world):
    with tenant_scope(world.tenant_a):
        ProductFactory(sku="AX-100", name="Access switch 24", family="Switching")
        ProductFactory(sku="AX-200", name="Core router", family="Routing")
        ProductFactory(sku="RT-300", name="Edge ROUTER mini", family="Routing")
        ProductFactory(sku="OLD-1", name="Retired switch", family="Legacy", active=False)
    with tenant_scope(world.tenant_b):
        ProductFactory(sku="GLX-9", name="Globex switch", family="Globex family")


def listed(response):
    return [p.sku for p in response.context["page_obj"]]


# --- the page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pat", "una"])
def test_a_partner_lists_its_tenants_active_products_only(world, catalogue, who):
    response = world.client(getattr(world, who)).get(PAGE)

    assert response.status_code == 200
    assert listed(response) == ["AX-100", "AX-200", "RT-300"]
    text = page_text(response)
    assert "Access switch 24" in text and "Switching" in text
    assert "OLD-1" not in text and "Retired switch" not in text
    assert "GLX-9" not in text and "Globex" not in text
    # The family filter offers the families of what the partner sees, not those of inactive products.
    assert list(response.context["families"]) == ["Routing", "Switching"]


def test_vendor_staff_still_list_inactive_products_on_the_same_page(world, catalogue):
    response = world.client(world.bob).get(PAGE)

    assert listed(response) == ["AX-100", "AX-200", "OLD-1", "RT-300"]
    assert "Legacy" in list(response.context["families"])


@pytest.mark.parametrize(
    ("search", "skus"),
    [
        ("ax-", ["AX-100", "AX-200"]),
        ("rt-3", ["RT-300"]),
        ("router", ["AX-200", "RT-300"]),
        ("SWITCH 24", ["AX-100"]),
        ("retired", []),
        ("globex", []),
    ],
    ids=["sku-any-case", "sku-inside", "name-any-case", "name-with-a-space", "inactive-name", "other-tenant"],
)
def test_a_partner_searches_by_sku_or_name_case_insensitively(world, catalogue, search, skus):
    response = world.client(world.pat).get(PAGE, {"search": search})

    assert response.status_code == 200
    assert listed(response) == skus


def test_a_partner_filters_by_family(world, catalogue):
    client = world.client(world.pat)

    assert listed(client.get(PAGE, {"family": "Routing"})) == ["AX-200", "RT-300"]
    assert listed(client.get(PAGE, {"family": "Routing", "search": "edge"})) == ["RT-300"]
    assert listed(client.get(PAGE, {"family": "Legacy"})) == []


def test_the_partners_page_has_no_edit_or_import_controls_and_no_staff_links(world, catalogue):
    with tenant_scope(world.tenant_a):
        product = Product.objects.get(sku="AX-100")
    body = world.client(world.pat).get(PAGE).content.decode()

    for staff_only in (
        "/catalog/products/new/",
        "/catalog/products/import/",
        "/catalog/price-lists/",
        f"/catalog/products/{product.pk}/",
        "New product",
        "Import CSV",
    ):
        assert staff_only not in body, staff_only


def test_the_vendor_admins_page_keeps_its_edit_controls(world, catalogue):
    body = world.client(world.alice).get(PAGE).content.decode()

    assert "/catalog/products/new/" in body and "/catalog/products/import/" in body


@pytest.mark.parametrize("who", ["pat", "una"])
def test_the_partner_navigation_offers_products(world, who):
    body = world.client(getattr(world, who)).get("/").content.decode()

    assert f'href="{PAGE}">Products</a>' in body


def test_a_search_longer_than_100_characters_is_refused_with_a_message_and_lists_nothing(world, catalogue):
    response = world.client(world.pat).get(PAGE, {"search": "AX-" + "x" * 98})

    assert response.status_code == 400
    assert listed(response) == []
    text = page_text(response)
    assert "Ensure this value has at most 100 characters (it has 101)." in text
    assert "Correct the search to see products." in text
    # 100 characters are still a search.
    assert world.client(world.pat).get(PAGE, {"search": "x" * 100}).status_code == 200


def test_the_partners_product_page_and_its_refused_search_in_french(world, catalogue):
    client = world.client(world.pat)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    try:
        listed_page = page_text(client.get(PAGE))
        refused = page_text(client.get(PAGE, {"search": "x" * 101}))
        api = client.get(API, {"search": "x" * 101}).json()
    finally:
        translation.deactivate()  # the French requests left the test's thread in French

    assert f'href="{PAGE}">Produits</a>' in listed_page
    assert "Les produits actifs du fournisseur. Recherchez par référence (SKU) ou par nom" in listed_page
    assert "Corrigez la recherche pour voir les produits." in refused
    assert api["errors"]["search"] == ["Recherchez au plus 100 caractères (cette recherche en compte 101)."]


def test_a_search_with_a_nul_character_is_refused_not_a_server_error(world, catalogue):
    response = world.client(world.pat).get(PAGE, {"search": "AX\x00"})

    assert response.status_code == 400
    assert "AX-100" not in page_text(response)


@pytest.fixture
def many_products(world):
    with tenant_scope(world.tenant_a):
        rows = [Product(sku=f"P-{n:03d}", name=f"Product {n}", family=f"F{n % 7}") for n in range(120)]
        Product.objects.bulk_create(rows)


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("1.5", 1), ("", 1), ("0", 3), ("-1", 3), ("999", 3), ("9" * 40, 3)]
)
def test_a_page_number_that_is_not_a_page_shows_the_first_page_and_one_past_the_end_the_last(
    world, many_products, page, shown
):
    response = world.client(world.pat).get(PAGE, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert len(response.context["page_obj"]) == (20 if shown == 3 else 50)


# The tenant; the user and the membership in a savepoint pair (the middleware's transaction, inside the test's); the
# view's savepoint pair around the products' count, the page's products, the families and the inbox count.
PRODUCT_PAGE_QUERIES = 11


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_a_products_page_costs_a_fixed_number_of_queries(world, many_products, who, django_assert_max_num_queries):
    client = world.client(getattr(world, who))
    client.get(PAGE)  # the session's first request may do more (language, last seen)

    for query in ({}, {"page": "2"}, {"page": "3", "search": "product"}, {"family": "F3"}):
        with django_assert_max_num_queries(PRODUCT_PAGE_QUERIES):
            response = client.get(PAGE, query)
        assert response.status_code == 200
    assert list(response.context["page_numbers"]) == [1]
    assert len(client.get(PAGE, {"page": "3"}).context["page_obj"]) == 20


# --- the API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pat", "una"])
def test_a_partner_lists_and_retrieves_active_products_through_the_api(world, catalogue, who):
    client = world.client(getattr(world, who))

    response = client.get(API)
    assert response.status_code == 200
    assert [p["sku"] for p in response.json()["results"]] == ["AX-100", "AX-200", "RT-300"]
    assert [p["sku"] for p in client.get(API, {"search": "router"}).json()["results"]] == ["AX-200", "RT-300"]
    assert [p["sku"] for p in client.get(API, {"family": "Routing"}).json()["results"]] == ["AX-200", "RT-300"]
    assert client.get(API, {"active": "false"}).json()["results"] == []
    with tenant_scope(world.tenant_a):
        active, inactive = Product.objects.get(sku="AX-100"), Product.objects.get(sku="OLD-1")
    assert client.get(f"{API}{active.pk}/").json()["name"] == "Access switch 24"
    assert client.get(f"{API}{inactive.pk}/").status_code == 404


def test_a_partner_never_gets_another_tenants_product_through_the_api(world, catalogue):
    with tenant_scope(world.tenant_b):
        foreign = Product.objects.get(sku="GLX-9")
    client = world.client(world.pat)

    assert "GLX-9" not in client.get(API).content.decode()
    assert client.get(f"{API}{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["pat", "una"])
def test_the_api_refuses_partners_writes_and_the_price_history_with_403_in_the_error_shape(world, catalogue, who):
    with tenant_scope(world.tenant_a):
        product = Product.objects.get(sku="AX-100")
    client = world.client(getattr(world, who))

    answers = [
        client.post(API, {"sku": "P-1", "name": "Partner"}, content_type=JSON),
        client.patch(f"{API}{product.pk}/", {"name": "Hacked"}, content_type=JSON),
        client.get(f"{API}{product.pk}/prices/"),
        client.post(f"{API}{product.pk}/prices/", {}, content_type=JSON),
        client.get("/api/v1/price-lists/"),
    ]
    for response in answers:
        assert response.status_code == 403, response.request["PATH_INFO"]
        assert response.json() == {"code": "forbidden", "detail": "You do not have permission to perform this action."}
    with tenant_scope(world.tenant_a):
        assert sorted(Product.objects.values_list("sku", flat=True)) == ["AX-100", "AX-200", "OLD-1", "RT-300"]
        assert Product.objects.get(sku="AX-100").name == "Access switch 24"


def test_vendor_staff_still_read_the_price_history_and_inactive_products_through_the_api(world, catalogue):
    client = world.client(world.bob)
    with tenant_scope(world.tenant_a):
        product = Product.objects.get(sku="OLD-1")

    assert [p["sku"] for p in client.get(API).json()["results"]] == ["AX-100", "AX-200", "OLD-1", "RT-300"]
    assert client.get(f"{API}{product.pk}/prices/").status_code == 200


def test_an_api_search_longer_than_100_characters_answers_400_naming_the_parameter(world, catalogue):
    response = world.client(world.pat).get(API, {"search": "x" * 101})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "The request has invalid fields.",
        "errors": {"search": ["Search for at most 100 characters (this search has 101)."]},
    }
    assert world.client(world.pat).get(API, {"search": "x" * 100}).status_code == 200


def test_the_schema_states_the_products_search_limit(world):
    schema = world.client(world.alice).get("/api/schema/", {"format": "json"}).json()

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert parameters["search"]["schema"]["maxLength"] == 100
