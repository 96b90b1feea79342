"""The audit log outlives its actors: deleting a user is not blocked by the events they caused (no database
foreign key: SET NULL would be an UPDATE, which the append-only table refuses), and every event keeps the
actor's e-mail as it was."""

from prm.audit.models import AuditEvent
from prm.audit.services import record
from prm.tenancy.context import tenant_scope, unscoped
from tests.factories import UserFactory


def test_deleting_a_user_keeps_their_audit_events_with_their_email(world):
    leaver = UserFactory(email="leaver@acme.test")
    with tenant_scope(world.tenant_a):
        event = record(action="product.create", actor=leaver, object_type="catalog.product", object_id="p-1")

    with unscoped():  # deleting an account is platform work (the operator's admin)
        leaver.delete()

    with tenant_scope(world.tenant_a):
        kept = AuditEvent.objects.select_related("actor").get(pk=event.pk)
    assert kept.actor_id == event.actor_id  # the id stays on record, pointing to no row
    assert kept.actor is None
    assert kept.actor_label == "leaver@acme.test"
