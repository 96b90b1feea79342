"""The core's workflow helper (prm.workflow): only listed moves, only by actors the move's predicate allows,
a reason where the move needs one, one audit event with the states before and after, side effects after the
commit only, and the move checked against the locked row in the database, not against a stale copy."""

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import can_configure_tenant, can_manage_partner_orgs
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.workflow import Transition, TransitionNotAllowed, Workflow
from tests.conftest import make_member, owner_connection
from tests.factories import PartnerOrgFactory, TenantFactory

ACTIVE, INACTIVE = PartnerOrg.Status.ACTIVE, PartnerOrg.Status.INACTIVE


def workflow(*, effects=(), deactivate_allowed=can_manage_partner_orgs):
    """Channel managers and vendor admins deactivate (with a reason); only vendor admins reactivate."""
    return Workflow(
        model=PartnerOrg,
        audit_action="test_org.status_change",
        transitions=[
            Transition(
                name="deactivate",
                source={ACTIVE},
                target=INACTIVE,
                allowed=deactivate_allowed,
                reason_required=True,
                effects=effects,
            ),
            Transition(name="reactivate", source={INACTIVE}, target=ACTIVE, allowed=can_configure_tenant),
        ],
    )


def member(world, user):
    return Membership.objects.select_related("user").get(user=user)


def stored_status(org):
    return PartnerOrg.objects.values_list("status", flat=True).get(pk=org.pk)


def events():
    return list(AuditEvent.objects.filter(action="test_org.status_change"))


def test_a_move_the_workflow_does_not_list_is_refused_with_409_and_changes_nothing(world):
    with tenant_scope(world.tenant_a):
        with pytest.raises(TransitionNotAllowed) as refused:
            workflow().move(obj=world.org1, to=ACTIVE, actor_membership=member(world, world.alice))
        assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
        assert refused.value.message == "Alpha Resellers is Active; it cannot become Active."
        assert stored_status(world.org1) == ACTIVE
        assert events() == []


def test_an_actor_whose_role_the_move_does_not_allow_is_refused_with_403(world):
    with tenant_scope(world.tenant_a):
        world.org1.status = INACTIVE
        world.org1.save(update_fields=["status"])
        for user in (world.bob, world.pat):  # a channel manager may deactivate but not reactivate; a partner neither
            with pytest.raises(DomainError) as refused:
                workflow().move(obj=world.org1, to=ACTIVE, actor_membership=member(world, user))
            assert (refused.value.code, refused.value.status) == ("forbidden", 403)
        assert stored_status(world.org1) == INACTIVE
        assert events() == []


def test_an_inactive_membership_is_refused_even_with_an_allowed_role(world):
    with tenant_scope(world.tenant_a):
        bob = member(world, world.bob)
        bob.is_active = False
        with pytest.raises(DomainError) as refused:
            workflow().move(obj=world.org1, to=INACTIVE, actor_membership=bob, reason="Contract ended")
        assert refused.value.code == "forbidden"
        assert stored_status(world.org1) == ACTIVE


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_that_needs_a_reason_refuses_a_blank_one(world, reason):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            workflow().move(obj=world.org1, to=INACTIVE, actor_membership=member(world, world.bob), reason=reason)
        assert refused.value.code == "reason_required"
        assert stored_status(world.org1) == ACTIVE
        assert events() == []


def test_a_move_saves_the_state_and_writes_one_audit_event_with_before_after_reason_and_actor(world):
    with tenant_scope(world.tenant_a):
        saved = workflow().move(
            obj=world.org1, to=INACTIVE, actor_membership=member(world, world.bob), reason="  Contract ended "
        )
        assert saved.status == world.org1.status == stored_status(world.org1) == INACTIVE
        [event] = events()
        assert (event.actor, event.object_id) == (world.bob, str(world.org1.pk))
        assert (event.before, event.after) == ({"status": ACTIVE}, {"status": INACTIVE, "transition": "deactivate"})
        assert event.reason == "Contract ended"
        # a move that needs no reason takes none; a vendor admin makes it
        workflow().move(obj=world.org1, to=ACTIVE, actor_membership=member(world, world.alice))
        assert {e.after["transition"] for e in events()} == {"deactivate", "reactivate"}


def test_side_effects_run_only_after_the_transaction_commits(world, django_capture_on_commit_callbacks):
    seen = []
    moved = workflow(effects=[lambda org: seen.append((org.pk, org.status))])
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        moved.move(obj=world.org1, to=INACTIVE, actor_membership=member(world, world.bob), reason="Ended")
        assert seen == []  # still inside the transaction
    assert seen == [(world.org1.pk, INACTIVE)]


def test_side_effects_never_run_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    seen = []
    moved = workflow(effects=[lambda org: seen.append(org.pk)])
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            moved.move(obj=world.org1, to=INACTIVE, actor_membership=member(world, world.bob), reason="Ended")
            raise RuntimeError("a later step of the same use case failed")
        assert stored_status(world.org1) == ACTIVE
    assert (seen, callbacks) == ([], [])


def test_the_move_is_checked_against_the_row_in_the_database_not_a_stale_copy(world):
    with tenant_scope(world.tenant_a):
        stale = PartnerOrg.objects.get(pk=world.org1.pk)
        workflow().move(obj=world.org1, to=INACTIVE, actor_membership=member(world, world.bob), reason="Ended")
        assert stale.status == ACTIVE
        with pytest.raises(TransitionNotAllowed), CaptureQueriesContext(connection) as queries:
            workflow().move(obj=stale, to=INACTIVE, actor_membership=member(world, world.alice), reason="Again")
        assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)
        assert len(events()) == 1


def test_the_row_is_locked_while_the_move_is_checked(committed_db):
    """Another session cannot lock the row while the move runs: two moves of one row take turns."""
    tenant = TenantFactory()
    with tenant_scope(tenant):
        org = PartnerOrgFactory(name="Locked Partners")
        actor = Membership.objects.select_related("user").get(user=make_member("vendor_admin", email="v@lock.test"))
    attempts = []

    def allowed_while_another_session_tries_to_lock(membership):
        with owner_connection() as other:
            other.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant.pk)])
            try:
                other.execute("SELECT id FROM accounts_partnerorg WHERE id = %s FOR UPDATE NOWAIT", [org.pk])
                attempts.append("locked it")
            except psycopg.errors.LockNotAvailable:
                attempts.append("had to wait")
        return can_manage_partner_orgs(membership)

    with tenant_scope(tenant):
        workflow(deactivate_allowed=allowed_while_another_session_tries_to_lock).move(
            obj=org, to=INACTIVE, actor_membership=actor, reason="Ended"
        )
        assert stored_status(org) == INACTIVE
    assert attempts == ["had to wait"]


def test_two_transitions_between_the_same_states_are_refused_when_the_workflow_is_defined():
    with pytest.raises(ValueError, match="Two transitions"):
        Workflow(
            model=PartnerOrg,
            audit_action="x",
            transitions=[
                Transition(name="a", source={ACTIVE}, target=INACTIVE, allowed=can_manage_partner_orgs),
                Transition(name="b", source={ACTIVE}, target=INACTIVE, allowed=can_configure_tenant),
            ],
        )


def test_allowed_targets_lists_the_moves_the_actor_may_make_from_the_current_state(world):
    with tenant_scope(world.tenant_a):
        assert workflow().allowed_targets(world.org1, member(world, world.bob)) == [INACTIVE]
        assert workflow().allowed_targets(world.org1, member(world, world.pat)) == []
