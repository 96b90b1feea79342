"""Every catalogue service checks the actor's role itself (prm.accounts.permissions.can_manage_catalog), so a
caller other than the page or the API — a task, a seeder, a future module — cannot write the catalogue for a
role the page would refuse."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.accounts.models import Membership
from prm.audit.models import AuditEvent
from prm.catalog import services
from prm.catalog.models import Price, PriceList, Product
from prm.files.models import StoredFile
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.factories import PriceListFactory, ProductFactory


@pytest.fixture
def catalogue(world):
    with tenant_scope(world.tenant_a):
        return ProductFactory(sku="AX-100", name="Access switch"), PriceListFactory(name="USD list")


def use_cases(product, price_list):
    return {
        "product_create": lambda actor: services.product_create(actor_membership=actor, sku="NEW-1", name="New"),
        "product_update": lambda actor: services.product_update(actor_membership=actor, product=product, name="Bad"),
        "products_import_csv": lambda actor: services.products_import_csv(
            actor_membership=actor, upload=SimpleUploadedFile("p.csv", b"sku,name\nNEW-2,Imported\n")
        ),
        "price_list_create": lambda actor: services.price_list_create(
            actor_membership=actor, name="Sneaky list", currency="EUR"
        ),
        "price_set": lambda actor: services.price_set(
            actor_membership=actor,
            product=product,
            price_list=price_list,
            amount="1.00",
            valid_from=datetime.date(2026, 1, 1),
        ),
    }


@pytest.mark.parametrize(
    "use_case", ["product_create", "product_update", "products_import_csv", "price_list_create", "price_set"]
)
@pytest.mark.parametrize("who", ["bob", "ann", "pat"])
def test_catalogue_services_refuse_members_who_may_not_manage_the_catalogue(world, analyst, catalogue, use_case, who):
    user = {"bob": world.bob, "ann": analyst, "pat": world.pat}[who]
    with tenant_scope(world.tenant_a):
        actor = Membership.objects.select_related("user").get(user=user)
        with pytest.raises(DomainError) as refused:
            use_cases(*catalogue)[use_case](actor)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
        assert list(Product.objects.values_list("sku", "name")) == [("AX-100", "Access switch")]
        assert list(PriceList.objects.values_list("name", flat=True)) == ["USD list"]
        assert not Price.objects.exists()
        assert not StoredFile.objects.exists()
        assert not AuditEvent.objects.exists()


def test_the_import_service_keeps_the_file_and_audits_what_it_imported(world):
    """The whole import (type check, all-or-nothing load, the kept file, the audit) is the service's, not the
    view's."""
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.select_related("user").get(user=world.alice)
        result = services.products_import_csv(
            actor_membership=alice, upload=SimpleUploadedFile("p.csv", b"sku,name\nNEW-2,Imported\n")
        )
        assert result == {"created": 1, "updated": 0}
        stored = StoredFile.objects.get()
        assert (stored.purpose, stored.staff_only, stored.uploaded_by) == (
            StoredFile.Purpose.CATALOG_IMPORT,
            True,
            world.alice,
        )
        assert AuditEvent.objects.get(action="product.import_csv").actor == world.alice


def test_the_import_service_refuses_a_file_that_is_not_csv_as_a_domain_error(world):
    with tenant_scope(world.tenant_a):
        alice = Membership.objects.select_related("user").get(user=world.alice)
        with pytest.raises(DomainError) as refused:
            services.products_import_csv(
                actor_membership=alice, upload=SimpleUploadedFile("p.csv", b"%PDF-1.4 not a csv")
            )
        assert refused.value.code == "unsupported_type"
        assert not StoredFile.objects.exists()
