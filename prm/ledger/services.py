"""Every write to the partner-payment ledger (docs/architecture.md, "The partner-payment ledger").

A posting moves an amount between two buckets of one partner account — (partner org, kind, currency) ×
{accrued, approved, paid}, with OUTSIDE as the other end — and, in the same transaction, under a lock of the
account's balance rows, changes those balances; a bucket never goes below zero. A module's service calls
`ledger_accrue` / `ledger_approve` / `ledger_pay` / `ledger_reverse` inside its own transaction, naming itself
as the source (`Source("mdf", "claim", claim.pk)`); calling again with the same source and transfer returns the
posting already made (a retried task changes nothing).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import pycountry
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_post_to_ledger, require
from prm.audit.services import record
from prm.ledger.fx import convert
from prm.ledger.models import AMOUNT, BALANCE_BUCKETS, MOVES, Balance, Bucket, Kind, Posting
from prm.services import DomainError

UNIT = Decimal(1).scaleb(-AMOUNT["decimal_places"])  # 0.0001, the smallest amount a posting holds
LIMIT = Decimal(10) ** (AMOUNT["max_digits"] - AMOUNT["decimal_places"])


@dataclass(frozen=True)
class Source:
    """What a posting is for: the module, its object type and the object's id (named, never a foreign key)."""

    module: str
    object_type: str
    object_id: object

    def as_filter(self):
        return {"source_module": self.module, "source_type": self.object_type, "source_id": str(self.object_id)}


class InsufficientBalance(DomainError):
    """An amount larger than the bucket holds was to move out of it: nothing was written."""

    def __init__(self, *, bucket, balance, amount, currency):
        super().__init__(
            _("The %(bucket)s balance holds %(balance)s %(currency)s: %(amount)s %(currency)s cannot move out of it.")
            % {"bucket": Bucket(bucket).label, "balance": balance, "amount": amount, "currency": currency},
            code="insufficient_balance",
        )
        self.bucket, self.balance, self.amount = bucket, balance, amount


def transfer_name(from_bucket, to_bucket):
    """The default name of a move, part of a posting's unique key: accrue, approve, pay, reverse_<bucket>."""
    if to_bucket == Bucket.OUTSIDE:
        return f"reverse_{from_bucket}"
    return {Bucket.ACCRUED: "accrue", Bucket.APPROVED: "approve", Bucket.PAID: "pay"}[to_bucket]


@transaction.atomic
def ledger_transfer(
    *,
    actor_membership,
    partner_org,
    kind,
    currency,
    from_bucket,
    to_bucket,
    amount,
    source,
    business_date,
    reason="",
    payment_reference="",
    transfer="",
):
    """Move `amount` (in the account's `currency`) from one bucket of the account to another and return the
    posting. The same source, transfer and revision again returns the existing posting and changes nothing.

    `transfer` names the move within its source (default `transfer_name`): give names of your own when one source
    makes the same move twice in one revision (two partial payments). Refusals (DomainError): `forbidden`,
    `invalid_kind`, `invalid_currency`, `invalid_move`, `invalid_amount`, `payment_reference_required`,
    `insufficient_balance`, `missing_fx_rate` (no rate to the reporting currency on the business date)."""
    require(can_post_to_ledger(actor_membership), _("Your role may not post to the partner-payment ledger."))
    amount = _checked_amount(amount)
    _check_posting(kind=kind, currency=currency, move=(from_bucket, to_bucket), payment_reference=payment_reference)
    transfer = transfer or transfer_name(from_bucket, to_bucket)
    balances = _locked_balances(partner_org=partner_org, kind=kind, currency=currency)
    revision = _revision(source=source, reversal=to_bucket == Bucket.OUTSIDE)
    existing = Posting.objects.filter(**source.as_filter(), transfer=transfer, revision=revision).first()
    if existing is not None:
        return existing
    if from_bucket != Bucket.OUTSIDE and balances[from_bucket].amount < amount:
        raise InsufficientBalance(
            bucket=from_bucket, balance=balances[from_bucket].amount, amount=amount, currency=currency
        )
    conversion = convert(amount, currency, on=business_date)
    try:
        with transaction.atomic():
            posting = Posting.objects.create(
                partner_org=partner_org,
                kind=kind,
                currency=currency,
                from_bucket=from_bucket,
                to_bucket=to_bucket,
                amount=amount,
                **source.as_filter(),
                transfer=transfer,
                revision=revision,
                business_date=business_date,
                payment_reference=payment_reference,
                reason=reason,
                reporting_currency=conversion.currency,
                reporting_amount=conversion.amount.quantize(UNIT, rounding=ROUND_HALF_EVEN),
                fx_rate=conversion.rate,
                fx_rate_valid_from=conversion.rate_valid_from,
                actor=actor_membership.user,
                actor_label=actor_membership.user.email,
            )
    except IntegrityError:  # the same key posted at once to another account of the source: that one stands
        existing = Posting.objects.filter(**source.as_filter(), transfer=transfer, revision=revision).first()
        if existing is None:
            raise
        return existing
    _move(balances, from_bucket=from_bucket, to_bucket=to_bucket, amount=amount)
    record(
        action="ledger.posting",
        actor=actor_membership.user,
        obj=posting,
        after={
            "partner_org": str(partner_org.pk),
            "kind": kind,
            "currency": currency,
            "from": from_bucket,
            "to": to_bucket,
            "amount": str(amount),
            "source": f"{source.module}:{source.object_type}:{source.object_id}",
            "transfer": transfer,
            "revision": revision,
        },
        reason=reason,
    )
    return posting


def ledger_accrue(*, actor_membership, partner_org, kind, currency, amount, source, business_date, reason=""):
    """Outside → accrued: an amount earned, not yet approved."""
    return ledger_transfer(
        **_account(partner_org, kind, currency),
        actor_membership=actor_membership,
        from_bucket=Bucket.OUTSIDE,
        to_bucket=Bucket.ACCRUED,
        amount=amount,
        source=source,
        business_date=business_date,
        reason=reason,
    )


def ledger_approve(
    *, actor_membership, partner_org, kind, currency, amount, source, business_date, reason="", accrued=True
):
    """Accrued → approved; `accrued=False` approves an amount nothing accrued (outside → approved)."""
    return ledger_transfer(
        **_account(partner_org, kind, currency),
        actor_membership=actor_membership,
        from_bucket=Bucket.ACCRUED if accrued else Bucket.OUTSIDE,
        to_bucket=Bucket.APPROVED,
        amount=amount,
        source=source,
        business_date=business_date,
        reason=reason,
    )


def ledger_pay(
    *,
    actor_membership,
    partner_org,
    kind,
    currency,
    amount,
    source,
    business_date,
    payment_reference,
    reason="",
    transfer="",
):
    """Approved → paid, with the payment's reference (a bank transfer's, a credit note's number)."""
    return ledger_transfer(
        **_account(partner_org, kind, currency),
        actor_membership=actor_membership,
        from_bucket=Bucket.APPROVED,
        to_bucket=Bucket.PAID,
        amount=amount,
        source=source,
        business_date=business_date,
        payment_reference=payment_reference,
        reason=reason,
        transfer=transfer,
    )


def ledger_reverse(*, actor_membership, partner_org, kind, currency, bucket, amount, source, business_date, reason):
    """`bucket` → outside: takes back what was accrued, approved or paid. The source's next accrual or approval
    takes the next revision."""
    return ledger_transfer(
        **_account(partner_org, kind, currency),
        actor_membership=actor_membership,
        from_bucket=bucket,
        to_bucket=Bucket.OUTSIDE,
        amount=amount,
        source=source,
        business_date=business_date,
        reason=reason,
    )


def _account(partner_org, kind, currency):
    return {"partner_org": partner_org, "kind": kind, "currency": currency}


def _checked_amount(amount):
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= LIMIT or amount != amount.quantize(UNIT):
        raise DomainError(
            _("An amount is a positive number below %(limit)s with at most %(places)s decimals.")
            % {"limit": LIMIT, "places": AMOUNT["decimal_places"]},
            code="invalid_amount",
        )
    return amount


def _bucket_label(bucket):
    return Bucket(bucket).label if bucket in Bucket.values else bucket


def _check_posting(*, kind, currency, move, payment_reference):
    if kind not in Kind.values:
        raise DomainError(_("%(kind)s is not a kind of ledger posting.") % {"kind": kind}, code="invalid_kind")
    if pycountry.currencies.get(alpha_3=currency) is None or currency != currency.upper():
        raise DomainError(_("%(code)s is not an ISO 4217 currency.") % {"code": currency}, code="invalid_currency")
    if move not in MOVES:
        raise DomainError(
            _("Money does not move from %(from)s to %(to)s.")
            % {"from": _bucket_label(move[0]), "to": _bucket_label(move[1])},
            code="invalid_move",
        )
    if move[1] == Bucket.PAID and not payment_reference.strip():
        raise DomainError(_("A payment needs its payment reference."), code="payment_reference_required")


def _locked_balances(*, partner_org, kind, currency):
    """The account's three balance rows, created if missing (INSERT … ON CONFLICT DO NOTHING) and locked (in
    bucket order: every posting locks them the same way) until the transaction ends: an account's postings take
    turns."""
    account = _account(partner_org, kind, currency)
    Balance.objects.bulk_create([Balance(**account, bucket=b) for b in BALANCE_BUCKETS], ignore_conflicts=True)
    rows = Balance.objects.select_for_update().filter(**account).order_by("bucket")
    return {row.bucket: row for row in rows}


def _revision(*, source, reversal):
    """The revision a new posting of `source` takes: the source's latest; the one after it for an accrual,
    approval or payment once that revision has a reversal (a re-accrual after a reversal)."""
    postings = Posting.objects.filter(**source.as_filter())
    latest = postings.aggregate(latest=Max("revision"))["latest"] or 1
    if not reversal and postings.filter(revision=latest, to_bucket=Bucket.OUTSIDE).exists():
        return latest + 1
    return latest


def _move(balances, *, from_bucket, to_bucket, amount):
    now = timezone.now()
    if from_bucket != Bucket.OUTSIDE:
        Balance.objects.filter(pk=balances[from_bucket].pk).update(amount=F("amount") - amount, updated_at=now)
    if to_bucket != Bucket.OUTSIDE:
        Balance.objects.filter(pk=balances[to_bucket].pk).update(amount=F("amount") + amount, updated_at=now)
