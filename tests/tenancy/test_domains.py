"""Host names are case-insensitive: one portal per host whatever its letter case, found in any case."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from prm.tenancy.models import Domain


def test_a_host_differing_only_in_letter_case_is_refused(world):
    with pytest.raises(IntegrityError, match="domain_host_unique_ci"), transaction.atomic():
        Domain.objects.create(tenant=world.tenant_b, host="ACME.localhost")


def test_a_custom_domain_stored_with_capitals_is_served_on_its_lower_case_host(world):
    Domain.objects.create(tenant=world.tenant_a, host="Partners.Acme-Networks.localhost")
    response = Client(HTTP_HOST="partners.acme-networks.localhost").get("/accounts/login/")
    assert response.status_code == 200
    assert "Acme" in response.content.decode()
