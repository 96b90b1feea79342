"""The operator's admin deletes neither tenants nor users: their data lives in tenant tables the platform host
cannot see (row-level security), so Django could not collect it (the SQL guard raises in development) and the
database would refuse the delete. Operators suspend tenants and deactivate users instead."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from prm.accounts.models import User
from prm.tenancy.models import Tenant
from tests.factories import UserFactory


@pytest.mark.parametrize("model", [Tenant, User])
def test_the_admin_offers_no_delete_of_tenants_or_users(db, model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
