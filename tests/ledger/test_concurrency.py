"""Money moved from 20 threads at once, each on its own database connection: the balance rows' locks and CHECK
keep every bucket at what moved in minus what moved out, and none goes below zero."""

import threading
from decimal import Decimal

from django.db import connections
from django.db.models import Sum

from prm.accounts.models import Membership
from prm.ledger.models import BALANCE_BUCKETS, Balance, Bucket, Kind, Posting
from prm.ledger.services import InsufficientBalance, Source, ledger_accrue, ledger_approve, ledger_pay
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, TenantFactory
from tests.ledger.conftest import DAY

THREADS, ATTEMPTS = 20, 10
ACCRUED, APPROVE, PAY = Decimal("500.00"), Decimal("7.00"), Decimal("5.00")


def test_twenty_threads_moving_money_leave_exact_balances_and_none_negative(committed_db):
    tenant = TenantFactory()
    with tenant_scope(tenant):
        org = PartnerOrgFactory()
        admin = Membership.objects.select_related("user").get(user=make_member("vendor_admin"))
        account = {"actor_membership": admin, "partner_org": org, "kind": Kind.MDF_REIMBURSEMENT, "currency": "USD"}
        ledger_accrue(**account, amount=ACCRUED, source=Source("test", "fund", "F-1"), business_date=DAY)
    start = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def move_money(number):
        """Even threads approve 7.00 from accrued (more than it holds, in all), odd ones pay 5.00 of what is
        approved; each posting is sent twice, as a retried task would."""
        try:
            with tenant_scope(tenant):
                start.wait()
                for attempt in range(ATTEMPTS):
                    source = Source("test", "claim", f"{number}-{attempt}")
                    for _retry in range(2):
                        try:
                            if number % 2 == 0:
                                ledger_approve(**account, amount=APPROVE, source=source, business_date=DAY)
                            else:
                                ledger_pay(
                                    **account, amount=PAY, source=source, business_date=DAY, payment_reference="P"
                                )
                            outcomes.append((number % 2, "posted"))
                        except InsufficientBalance:
                            outcomes.append((number % 2, "refused"))
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move_money, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    with tenant_scope(tenant):
        approvals = Posting.objects.filter(to_bucket=Bucket.APPROVED).count()
        payments = Posting.objects.filter(to_bucket=Bucket.PAID).count()
        assert approvals == ACCRUED // APPROVE == 71  # 71 × 7.00 = 497.00 of the 500.00; every later one refused
        assert Posting.objects.count() == 1 + approvals + payments  # a retry added nothing
        balances = {row.bucket: row.amount for row in Balance.objects.filter(partner_org=org)}
        assert balances == {
            Bucket.ACCRUED: ACCRUED - approvals * APPROVE,
            Bucket.APPROVED: approvals * APPROVE - payments * PAY,
            Bucket.PAID: payments * PAY,
        }
        for bucket in BALANCE_BUCKETS:
            moved_in = Posting.objects.filter(to_bucket=bucket).aggregate(s=Sum("amount"))["s"] or 0
            moved_out = Posting.objects.filter(from_bucket=bucket).aggregate(s=Sum("amount"))["s"] or 0
            assert balances[bucket] == moved_in - moved_out >= 0
    assert len(outcomes) == THREADS * ATTEMPTS * 2
