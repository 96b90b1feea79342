"""One small way to write a state machine: its states and allowed transitions as data, run by a service.

A `Workflow` names a model's state field and its transitions; each transition says which states it leaves,
the state it enters, the permission predicate (from prm.accounts.permissions) the actor needs, whether a reason
is required, and side effects that run only once the change has committed. `Workflow.move` locks the row
(`select_for_update`), checks the move against the row's state in the database (not a stale copy), the actor
and the reason, saves, writes one audit event with the states before and after and the reason, and queues the
side effects with `transaction.on_commit`. A move that is not allowed raises `TransitionNotAllowed` (a
DomainError, code `transition_not_allowed`, 409); pages show its message, the API answers {"code", "detail"}.

The state change lives in the module's service, never in a model method. Example (docs/architecture.md):

    PARTNER_ORG_STATUS = Workflow(
        model=PartnerOrg,
        audit_action="partner_org.status_change",
        transitions=[
            Transition(name="deactivate", source={"active"}, target="inactive",
                       allowed=can_manage_partner_orgs, reason_required=True),
            Transition(name="reactivate", source={"inactive"}, target="active",
                       allowed=can_manage_partner_orgs, reason_required=True),
        ],
    )
    PARTNER_ORG_STATUS.move(obj=org, to="inactive", actor_membership=membership, reason="Contract ended")
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from prm.accounts.permissions import require
from prm.audit.services import record
from prm.services import Conflict, DomainError


class TransitionNotAllowed(Conflict):
    def __init__(self, message):
        super().__init__(message, code="transition_not_allowed")


@dataclass(frozen=True)
class Transition:
    """A move from any state of `source` to `target`, for actors for whom `allowed(membership)` holds.
    `effects` are called with the saved object after the transaction commits (e-mail, webhooks, tasks)."""

    name: str
    source: frozenset
    target: str
    allowed: Callable
    reason_required: bool = False
    effects: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "source", frozenset(self.source))
        object.__setattr__(self, "effects", tuple(self.effects))


@dataclass(frozen=True)
class Workflow:
    model: type
    transitions: Iterable[Transition]
    audit_action: str
    state_field: str = "status"
    forbidden_message: str = ""
    _by_move: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_move = {}
        for transition in self.transitions:
            for source in transition.source:
                if (source, transition.target) in by_move:
                    raise ValueError(f"Two transitions from {source} to {transition.target}.")
                by_move[source, transition.target] = transition
        object.__setattr__(self, "transitions", tuple(self.transitions))
        object.__setattr__(self, "_by_move", by_move)

    def transition_for(self, current, to):
        """The transition from state `current` to `to`, or None."""
        return self._by_move.get((current, to))

    def allowed_targets(self, obj, actor_membership):
        """The states `actor_membership` may move `obj` to from its state now (for pages offering the moves)."""
        current = getattr(obj, self.state_field)
        return [t.target for t in self.transitions if current in t.source and t.allowed(actor_membership)]

    def _label(self, state):
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(state, state))

    @transaction.atomic
    def move(self, *, obj, to, actor_membership, reason=""):
        """Move `obj` to state `to` and return the locked, saved row (`obj` gets the new state too)."""
        locked = self.model.objects.select_for_update().get(pk=obj.pk)
        current = getattr(locked, self.state_field)
        transition = self.transition_for(current, to)
        if transition is None:
            raise TransitionNotAllowed(
                _("%(object)s is %(current)s; it cannot become %(target)s.")
                % {"object": locked, "current": self._label(current), "target": self._label(to)}
            )
        require(transition.allowed(actor_membership), self.forbidden_message or None)
        reason = (reason or "").strip()
        if transition.reason_required and not reason:
            raise DomainError(_("Say why (the reason is kept in the audit log)."), code="reason_required")
        setattr(locked, self.state_field, to)
        locked.save(update_fields=[self.state_field])
        setattr(obj, self.state_field, to)
        record(
            action=self.audit_action,
            actor=actor_membership.user,
            obj=locked,
            before={self.state_field: current},
            after={self.state_field: to, "transition": transition.name},
            reason=reason,
        )
        for effect in transition.effects:
            transaction.on_commit(lambda effect=effect: effect(locked))
        return locked
