import html

import pytest

from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member


@pytest.fixture
def analyst(world):
    """A read-only vendor analyst of tenant A."""
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")


def page_text(response):
    """The response body as text, HTML entities decoded (messages contain quotes)."""
    return html.unescape(response.content.decode())
