"""A template deleted before a change or delete reaches it (two requests at once: the strict API run found this as a
500) is 404 not_found."""

import pytest

from pos.models import ColumnMapping
from pos.services.mappings import column_mapping_delete, column_mapping_update
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import membership


@pytest.mark.parametrize("change", [column_mapping_update, column_mapping_delete])
def test_a_template_already_deleted_is_not_found_rather_than_an_error(world, change):
    with tenant_scope(world.tenant_a):
        template = ColumnMapping.objects.create(
            partner_org=world.org1, name="T", header=["sku"], header_signature="race", columns={"sku": 0}
        )
        ColumnMapping.objects.filter(pk=template.pk).delete()  # the other request won
        with pytest.raises(DomainError) as refused:
            change(actor_membership=membership(world, world.pat), mapping=template)
    assert (refused.value.status, refused.value.code) == (404, "not_found")
