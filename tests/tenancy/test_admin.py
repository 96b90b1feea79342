"""The operator's admin deletes neither tenants nor users: their data lives in tenant tables the platform host
cannot see (row-level security), so Django could not collect it (the SQL guard raises in development) and the
database would refuse the delete. Operators suspend tenants and deactivate users instead. A tenant's reporting
currency is chosen once, when it is created: converted amounts are kept in it."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from prm.accounts.models import User
from prm.tenancy.models import Tenant
from tests.factories import TenantFactory, UserFactory


@pytest.mark.parametrize("model", [Tenant, User])
def test_the_admin_offers_no_delete_of_tenants_or_users(db, model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_reporting_currency_is_set_when_a_tenant_is_added_and_read_only_afterwards(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[Tenant]

    assert "reporting_currency" not in model_admin.get_readonly_fields(request)
    assert "reporting_currency" in model_admin.get_readonly_fields(request, TenantFactory())
    assert "reporting_currency" not in model_admin.get_form(request, TenantFactory()).base_fields
