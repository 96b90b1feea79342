"""The profile page changes the member's name through a service (user_update_profile), audited before/after."""

import pytest

from prm.accounts.models import User
from prm.accounts.services import user_update_profile
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import membership_of


def test_saving_the_profile_page_changes_the_name_and_writes_an_audit_event(world):
    response = world.client(world.una).post("/profile/", {"full_name": "Una Example"})

    assert response.status_code == 302
    assert User.objects.get(pk=world.una.pk).full_name == "Una Example"
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="user.update_profile")
    assert (event.actor, event.object_id) == (world.una, str(world.una.pk))
    assert (event.before, event.after) == ({"full_name": world.una.full_name}, {"full_name": "Una Example"})


def test_the_profile_service_refuses_a_deactivated_membership(world):
    una = membership_of(world.una, world.tenant_a)
    una.is_active = False
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        user_update_profile(actor_membership=una, full_name="Still Here")
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert User.objects.get(pk=world.una.pk).full_name == world.una.full_name
