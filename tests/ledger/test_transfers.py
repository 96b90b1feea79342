"""Transfers between the buckets of a partner account, and the balances they leave (hand-checked cases)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from prm.audit.models import AuditEvent
from prm.ledger.fx import MissingFxRate
from prm.ledger.models import BALANCE_BUCKETS, Balance, Bucket, FxRate, Kind, Posting
from prm.ledger.services import (
    InsufficientBalance,
    ledger_accrue,
    ledger_approve,
    ledger_pay,
    ledger_reverse,
    ledger_transfer,
)
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.ledger.conftest import DAY, account, claim


def balances(world, **filters):
    rows = Balance.objects.filter(partner_org=world.org1, **filters)
    return {row.bucket: row.amount for row in rows}


def sums_over_postings(world, bucket, **filters):
    postings = Posting.objects.filter(partner_org=world.org1, **filters)
    moved_in = postings.filter(to_bucket=bucket).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    moved_out = postings.filter(from_bucket=bucket).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return moved_in - moved_out


def test_accrue_approve_pay_move_the_money_through_the_buckets(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {**account(world), "actor_membership": alice_membership, "business_date": DAY}
        ledger_accrue(**common, amount="100.00", source=claim(1))
        ledger_approve(**common, amount="60.00", source=claim(1))
        ledger_pay(**common, amount="25.50", source=claim(1), payment_reference="BANK-1")
        ledger_approve(**common, amount="15", source=claim(2), accrued=False)  # nothing accrued for claim 2
        assert balances(world) == {
            Bucket.ACCRUED: Decimal("40.00"),
            Bucket.APPROVED: Decimal("49.50"),
            Bucket.PAID: Decimal("25.50"),
        }
        for bucket in BALANCE_BUCKETS:  # a bucket's balance is what moved in minus what moved out
            assert balances(world)[bucket] == sums_over_postings(world, bucket)
        pay = Posting.objects.get(transfer="pay")
        assert (pay.from_bucket, pay.to_bucket, pay.revision, pay.payment_reference) == (
            "approved",
            "paid",
            1,
            "BANK-1",
        )
        assert (pay.actor, pay.actor_label, pay.reporting_currency, pay.reporting_amount) == (
            world.alice,
            "alice@acme.test",
            "USD",
            Decimal("25.50"),
        )
        assert AuditEvent.objects.filter(action="ledger.posting").count() == 4


def test_a_retried_posting_is_a_no_op_returning_the_first(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {**account(world), "actor_membership": alice_membership, "business_date": DAY, "source": claim(1)}
        first = ledger_accrue(**common, amount="100.00")
        again = ledger_accrue(**common, amount="100.00")
        assert again.pk == first.pk
        assert Posting.objects.count() == 1
        assert balances(world)[Bucket.ACCRUED] == Decimal("100.00")
        assert AuditEvent.objects.filter(action="ledger.posting").count() == 1


def test_a_reaccrual_after_a_reversal_takes_the_next_revision(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {**account(world), "actor_membership": alice_membership, "business_date": DAY, "source": claim(1)}
        ledger_accrue(**common, amount="100.00")
        reversal = ledger_reverse(**common, bucket=Bucket.ACCRUED, amount="100.00", reason="claim withdrawn")
        assert ledger_reverse(**common, bucket=Bucket.ACCRUED, amount="100.00", reason="retry").pk == reversal.pk
        again = ledger_accrue(**common, amount="80.00")
        assert [(p.transfer, p.revision) for p in Posting.objects.order_by("created_at")] == [
            ("accrue", 1),
            ("reverse_accrued", 1),
            ("accrue", 2),
        ]
        assert ledger_accrue(**common, amount="80.00").pk == again.pk  # a retry of the re-accrual is a no-op
        assert balances(world)[Bucket.ACCRUED] == Decimal("80.00")
        assert reversal.reason == "claim withdrawn"


def test_an_overdraw_is_refused_naming_the_bucket_and_changes_nothing(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {**account(world), "actor_membership": alice_membership, "business_date": DAY}
        ledger_accrue(**common, amount="50.00", source=claim(1))
        with pytest.raises(InsufficientBalance) as refused:
            ledger_approve(**common, amount="50.01", source=claim(1))
        assert refused.value.code == "insufficient_balance"
        assert "accrued balance holds 50.0000 USD: 50.01 USD cannot move out" in refused.value.message
        with pytest.raises(InsufficientBalance):
            ledger_pay(**common, amount="1", source=claim(1), payment_reference="BANK-1")
        assert Posting.objects.count() == 1
        assert balances(world) == {Bucket.ACCRUED: Decimal("50"), Bucket.APPROVED: 0, Bucket.PAID: 0}


def test_the_reporting_amount_uses_the_rate_of_the_business_date_and_stores_it(world, alice_membership):
    with tenant_scope(world.tenant_a):
        FxRate.objects.create(
            base_currency="EUR", quote_currency="USD", rate="1.10", valid_from=datetime.date(2026, 1, 1)
        )
        FxRate.objects.create(
            base_currency="EUR", quote_currency="USD", rate="1.20", valid_from=datetime.date(2026, 3, 1)
        )
        common = {**account(world, currency="EUR"), "actor_membership": alice_membership, "source": claim(1)}
        posting = ledger_accrue(**common, amount="10.0001", business_date=datetime.date(2026, 2, 28))
        assert (posting.reporting_amount, posting.fx_rate, posting.fx_rate_valid_from) == (
            Decimal("11.0001"),  # 11.00011 rounded to the stored 4 places
            Decimal("1.10"),
            datetime.date(2026, 1, 1),
        )


def test_a_missing_fx_rate_refuses_the_posting(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {**account(world, currency="EUR"), "actor_membership": alice_membership, "source": claim(1)}
        with pytest.raises(MissingFxRate, match="No FX rate from EUR to USD is valid on 2026-03-02"):
            ledger_accrue(**common, amount="10", business_date=DAY)
        assert not Posting.objects.exists()
        assert not Balance.objects.filter(~Q(amount=0)).exists()


@pytest.mark.parametrize("who", ["bob", "pat", "una"])
def test_only_staff_who_may_post_to_the_ledger_post(world, who):
    from prm.accounts.models import Membership, Role

    with tenant_scope(world.tenant_a):
        membership = Membership.objects.get(user=getattr(world, who))
        common = {**account(world), "actor_membership": membership, "business_date": DAY, "source": claim(1)}
        if membership.role == Role.CHANNEL_MANAGER:
            assert ledger_accrue(**common, amount="1").amount == 1
            return
        with pytest.raises(DomainError) as refused:
            ledger_accrue(**common, amount="1")
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
        assert not Posting.objects.exists()


def test_an_analyst_may_not_post(world):
    from prm.accounts.models import Membership, Role
    from tests.conftest import make_member

    with tenant_scope(world.tenant_a):
        analyst = Membership.objects.get(user=make_member(Role.ANALYST))
        with pytest.raises(DomainError, match="may not post"):
            ledger_accrue(**account(world), actor_membership=analyst, business_date=DAY, source=claim(1), amount="1")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "-5"}, "invalid_amount"),
        ({"amount": "1.00001"}, "invalid_amount"),
        ({"amount": "NaN"}, "invalid_amount"),
        ({"amount": "1e16"}, "invalid_amount"),
        ({"amount": "ten"}, "invalid_amount"),
        ({"kind": "gift"}, "invalid_kind"),
        ({"currency": "usd"}, "invalid_currency"),
        ({"currency": "XYZ"}, "invalid_currency"),
        ({"from_bucket": Bucket.PAID, "to_bucket": Bucket.ACCRUED}, "invalid_move"),
        ({"from_bucket": Bucket.OUTSIDE, "to_bucket": Bucket.PAID}, "invalid_move"),
        (
            {"from_bucket": Bucket.APPROVED, "to_bucket": Bucket.PAID, "payment_reference": " "},
            "payment_reference_required",
        ),
    ],
)
def test_a_posting_that_breaks_a_rule_is_refused(world, alice_membership, change, code):
    with tenant_scope(world.tenant_a):
        arguments = {
            **account(world),
            "actor_membership": alice_membership,
            "business_date": DAY,
            "source": claim(1),
            "from_bucket": Bucket.OUTSIDE,
            "to_bucket": Bucket.ACCRUED,
            "amount": "10",
            **change,
        }
        with pytest.raises(DomainError) as refused:
            ledger_transfer(**arguments)
        assert refused.value.code == code
        assert not Posting.objects.exists()


def test_kinds_and_currencies_are_separate_accounts(world, alice_membership):
    with tenant_scope(world.tenant_a):
        common = {"actor_membership": alice_membership, "business_date": DAY, "partner_org": world.org1}
        ledger_accrue(**common, kind=Kind.REBATE, currency="USD", amount="10", source=claim(1))
        with pytest.raises(InsufficientBalance):  # the rebate's accrual is not the spiff's
            ledger_approve(**common, kind=Kind.SPIFF, currency="USD", amount="10", source=claim(1))
        assert balances(world, kind=Kind.REBATE)[Bucket.ACCRUED] == 10
