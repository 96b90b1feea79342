"""CSV import of products on /catalog/products/import/: creates and updates, all or nothing, every bad line
named by its number, content sniffed (not trusted from the file name)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.audit.models import AuditEvent
from prm.catalog.models import Product
from prm.files.models import StoredFile
from prm.tenancy.context import tenant_scope
from tests.catalog.conftest import page_text
from tests.factories import ProductFactory
from tests.factories.populate import PNG_1x1

IMPORT_URL = "/catalog/products/import/"


def upload(client, content, name="products.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def products_of(tenant):
    with tenant_scope(tenant):
        return {p.sku: (p.name, p.family, p.active) for p in Product.objects.all()}


@pytest.fixture
def existing(world):
    with tenant_scope(world.tenant_a):
        return ProductFactory(sku="AX-100", name="Old name", family="Switching", active=True)


def file_error(response):
    return " ".join(response.context["form"].errors["file"])


def test_import_creates_new_products_and_updates_existing_ones(world, existing):
    csv = b"sku,name,family,active\nax-100,New name,Switching,no\nAX-200,Core switch,Switching,yes\nAX-300,Router,,\n"
    response = upload(world.client(world.alice), csv)
    assert response.status_code == 302
    assert response["Location"] == "/catalog/products/"
    assert products_of(world.tenant_a) == {
        "AX-100": ("New name", "Switching", False),
        "AX-200": ("Core switch", "Switching", True),
        "AX-300": ("Router", "", True),
    }
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="product.import_csv")
    assert event.after == {"created": 2, "updated": 1}
    assert event.actor == world.alice


def test_import_reports_how_many_products_were_created_and_updated(world, existing):
    client = world.client(world.alice)
    response = client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("p.csv", b"sku,name\nAX-100,Renamed\nAX-200,New\n")},
        follow=True,
    )
    assert "1 products created, 1 updated." in page_text(response)


def test_semicolon_delimited_file_is_imported(world):
    response = upload(world.client(world.alice), b"sku;name;family;active\nSEMI-1;Semi product;Cables;yes\n")
    assert response.status_code == 302
    assert products_of(world.tenant_a) == {"SEMI-1": ("Semi product", "Cables", True)}


def test_windows_1252_file_is_imported_with_its_accents(world):
    csv = "sku,name,family\nCAFE-1,Câble réseau 5 m,Accessoires\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        csv.decode("utf-8")
    response = upload(world.client(world.alice), csv)
    assert response.status_code == 302
    assert products_of(world.tenant_a) == {"CAFE-1": ("Câble réseau 5 m", "Accessoires", True)}


def test_utf8_file_with_byte_order_mark_is_imported(world):
    response = upload(world.client(world.alice), "\ufeffsku,name\nBOM-1,Déjà vu\n".encode())
    assert response.status_code == 302
    assert products_of(world.tenant_a) == {"BOM-1": ("Déjà vu", "", True)}


def test_a_file_with_bad_lines_imports_nothing_and_names_every_bad_line(world, existing):
    csv = (
        b"sku,name,family,active\n"
        b"NEW-1,Fine product,,yes\n"  # line 2: fine
        b",No SKU,,\n"  # line 3
        b"AX-100,Would update,,\n"  # line 4: fine
        b"NEW-2,,,\n"  # line 5
        b"NEW-3,Bad active,,perhaps\n"  # line 6
        b"" + b"L" * 65 + b",Long SKU,,\n"  # line 7
    )
    response = upload(world.client(world.alice), csv)
    assert response.status_code == 400
    message = file_error(response)
    assert message.startswith("Nothing was imported.")
    for line in (3, 5, 6, 7):
        assert f"line {line}:" in message
    for line in (2, 4):
        assert f"line {line}:" not in message
    assert "A product needs a SKU." in message
    assert "A product needs a name." in message
    assert "active must be yes/no, got 'perhaps'" in message
    assert "A SKU has at most 64 characters." in message
    assert products_of(world.tenant_a) == {"AX-100": ("Old name", "Switching", True)}
    with tenant_scope(world.tenant_a):
        assert not AuditEvent.objects.filter(action="product.import_csv").exists()
        assert not StoredFile.objects.exists()  # a refused file is not kept


@pytest.mark.parametrize(
    ("csv", "missing"),
    [(b"code,title\nA,B\n", "name, sku"), (b"sku,family\nA,B\n", "name"), (b"name,family\nA,B\n", "sku")],
    ids=["neither", "no-name", "no-sku"],
)
def test_a_file_missing_header_columns_is_refused_naming_them(world, csv, missing):
    response = upload(world.client(world.alice), csv)
    assert response.status_code == 400
    assert f"The header must name the columns sku and name (missing: {missing})." in file_error(response)
    assert products_of(world.tenant_a) == {}


def test_a_sku_appearing_twice_in_the_file_is_refused_with_the_second_line_named(world):
    csv = b"sku,name\nDUP-1,First\nOTHER,Fine\ndup-1,Second\n"
    response = upload(world.client(world.alice), csv)
    assert response.status_code == 400
    message = file_error(response)
    assert "line 4: SKU dup-1 appears twice in the file" in message
    assert "line 2" not in message
    assert products_of(world.tenant_a) == {}


def test_a_png_renamed_csv_is_refused_as_an_unsupported_type(world):
    response = upload(world.client(world.alice), PNG_1x1, name="products.csv")
    assert response.status_code == 400
    assert "This file's content is not an accepted type (csv)." in file_error(response)
    assert products_of(world.tenant_a) == {}
    with tenant_scope(world.tenant_a):
        assert not StoredFile.objects.exists()


def test_an_empty_file_is_refused(world):
    response = upload(world.client(world.alice), b"")
    assert response.status_code == 400
    assert "empty" in file_error(response)
    assert products_of(world.tenant_a) == {}


def test_a_file_with_only_a_header_is_refused_as_having_no_products(world):
    response = upload(world.client(world.alice), b"sku,name\n")
    assert response.status_code == 400
    assert "The file has no product lines." in file_error(response)


def test_the_imported_file_is_kept_staff_only_under_the_tenant_prefix(world, settings):
    response = upload(world.client(world.alice), b"sku,name\nKEEP-1,Kept\n")
    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        stored = StoredFile.objects.get()
    assert stored.purpose == StoredFile.Purpose.CATALOG_IMPORT
    assert stored.staff_only is True
    assert stored.storage_path.startswith(f"tenants/{world.tenant_a.pk}/")


def test_import_page_is_for_vendor_admins_only(world):
    for user in (world.bob, world.pat, world.una):
        response = upload(world.client(user), b"sku,name\nX-1,Nope\n")
        assert response.status_code == 403, user.email
    assert products_of(world.tenant_a) == {}
