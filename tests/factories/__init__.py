"""factory-boy factories. Tenant-owned objects must be built inside `tenant_scope(tenant)`."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings

from prm.accounts.models import Membership, PartnerOrg, Role, User
from prm.catalog.models import PriceList, Product
from prm.companies import company_key
from prm.tenancy.models import Domain, Tenant

PASSWORD = "correct-horse-battery-9"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor{n}")
    portal_name = factory.LazyAttribute(lambda t: f"{t.name} Partner Portal")

    @factory.post_generation
    def domain(tenant, create, extracted, **kwargs):
        if create:
            Domain.objects.create(tenant=tenant, host=f"{tenant.slug}.{settings.PRM_BASE_DOMAIN}", is_primary=True)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class PartnerOrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrg

    name = factory.Sequence(lambda n: f"Partner {n}")
    name_key = factory.LazyAttribute(lambda org: company_key(org.name))  # as partner_org_create keeps it
    partner_type = PartnerOrg.Type.RESELLER
    country = "DE"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.VENDOR_ADMIN


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    family = "Switching"


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"List {n}")
    currency = "USD"
