"""Helpers of the accounts tests."""

import html

from django.test import Client

from prm.accounts.models import Membership
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of
from tests.factories import PASSWORD


def membership_of(user, tenant):
    with tenant_scope(tenant):
        return Membership.objects.select_related("partner_org", "user").get(user=user)


def page_text(response):
    """The response body as text, HTML entities decoded (messages contain quotes)."""
    return html.unescape(response.content.decode())


def sign_in(client, tenant, email, password=PASSWORD):
    """POST the real allauth sign-in form on `tenant`'s host."""
    return client.post("/accounts/login/", {"login": email, "password": password}, HTTP_HOST=host_of(tenant))


def anonymous_client(tenant):
    return Client(HTTP_HOST=host_of(tenant))
