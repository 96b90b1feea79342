import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from pos.models import PartnerPartNumber
from pos.services.imports import column_mapping_save, pos_import_create
from prm.accounts.models import Membership
from prm.tenancy.context import tenant_scope
from tests.factories import ProductFactory

HEADER = "Invoice No;Invoice Date;Part;Qty;Unit Price;Currency;Customer;Country\n"
STANDARD_COLUMNS = {
    "invoice_number": 0,
    "invoice_date": 1,
    "sku": 2,
    "quantity": 3,
    "unit_price": 4,
    "currency": 5,
    "end_customer_name": 6,
    "end_customer_country": 7,
}


@pytest.fixture
def catalog(world):
    """Tenant A's products: AX-24 and AX-48 active, OLD-1 inactive; org1 calls AX-24 "NW-24"."""
    with tenant_scope(world.tenant_a):
        products = {
            "AX-24": ProductFactory(sku="AX-24"),
            "AX-48": ProductFactory(sku="AX-48"),
            "OLD-1": ProductFactory(sku="OLD-1", active=False),
        }
        PartnerPartNumber.objects.create(partner_org=world.org1, partner_sku="NW-24", product=products["AX-24"])
    return products


@pytest.fixture
def in_french():
    """Switches a test client's language to French; afterwards the test's thread, which the client's French
    requests left in French, speaks the default language again."""

    def switch(client):
        client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
        return client

    yield switch
    translation.deactivate()


def membership(world, user, tenant=None):
    with tenant_scope(tenant or world.tenant_a):
        return Membership.objects.select_related("partner_org", "user").get(user=user)


def csv_file(body, name="sales.csv", header=HEADER, encoding="utf-8"):
    return SimpleUploadedFile(name, (header + body).encode(encoding), content_type="text/csv")


def run_import(
    world,
    upload,
    *,
    user=None,
    partner_org=None,
    columns=None,
    date_format="YYYY-MM-DD",
    decimal_separator=".",
    default_currency="",
    capture=None,
):
    """Upload as `user` (pat by default) and map the columns when asked; the Celery task runs eagerly on commit."""
    user = user or world.pat
    with tenant_scope(world.tenant_a), capture(execute=True):
        pos_import = pos_import_create(actor_membership=membership(world, user), upload=upload, partner_org=partner_org)
        if pos_import.status == "needs_mapping":
            column_mapping_save(
                actor_membership=membership(world, user),
                pos_import=pos_import,
                name="",
                columns=columns or STANDARD_COLUMNS,
                date_format=date_format,
                decimal_separator=decimal_separator,
                default_currency=default_currency,
            )
    with tenant_scope(world.tenant_a):
        pos_import.refresh_from_db()
    return pos_import
