"""Reads of the partner-payment ledger: postings, balances, reporting-currency totals and partner statements.

What a viewer sees: a partner its own organisation's accounts; vendor staff every partner's, or, when limited to
their territories, those of the partners in them (prm.territories.selectors.within_scope)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from prm.ledger.models import BALANCE_BUCKETS, Balance, Kind, Posting
from prm.territories.selectors import within_scope


def visible_postings(viewer):
    return within_scope(Posting.objects.select_related("partner_org"), viewer)


def visible_balances(viewer):
    return within_scope(Balance.objects.select_related("partner_org"), viewer)


def filter_postings(
    postings,
    *,
    partner_org=None,
    kind="",
    currency="",
    bucket="",
    date_from=None,
    date_to=None,
    source_module="",
    source_type="",
    source_id="",
):
    """The pages' and the API's filters: `bucket` keeps the postings that moved money into or out of it; the
    dates bound the business date (both included)."""
    if partner_org:
        postings = postings.filter(partner_org=partner_org)
    if kind:
        postings = postings.filter(kind=kind)
    if currency:
        postings = postings.filter(currency=currency)
    if bucket:
        postings = postings.filter(Q(from_bucket=bucket) | Q(to_bucket=bucket))
    if date_from:
        postings = postings.filter(business_date__gte=date_from)
    if date_to:
        postings = postings.filter(business_date__lte=date_to)
    if source_module:
        postings = postings.filter(source_module=source_module)
    if source_type:
        postings = postings.filter(source_type=source_type)
    if source_id:
        postings = postings.filter(source_id=source_id)
    return postings


def _net_by_bucket(postings, amount_field):
    """{bucket: what moved in minus what moved out} over `postings`, summing `amount_field`."""
    sums = postings.aggregate(
        **{f"in_{b}": Sum(amount_field, filter=Q(to_bucket=b)) for b in BALANCE_BUCKETS},
        **{f"out_{b}": Sum(amount_field, filter=Q(from_bucket=b)) for b in BALANCE_BUCKETS},
    )
    return {b: (sums[f"in_{b}"] or Decimal(0)) - (sums[f"out_{b}"] or Decimal(0)) for b in BALANCE_BUCKETS}


def reporting_totals(postings):
    """{bucket: net amount in the tenant's reporting currency} over `postings` (each converted at the rate of its
    business date when it was posted)."""
    return _net_by_bucket(postings, "reporting_amount")


@dataclass
class Account:
    """One partner account and what each of its buckets holds ({bucket: amount})."""

    partner_org: object
    kind: str
    currency: str
    amounts: dict = field(default_factory=dict)

    @property
    def kind_label(self):
        return Kind(self.kind).label


def partner_balances(viewer, *, partner_org=None):
    """The Accounts `viewer` may see (of `partner_org` if given), by partner name, kind and currency."""
    balances = visible_balances(viewer).order_by("partner_org__name", "kind", "currency", "bucket")
    if partner_org:
        balances = balances.filter(partner_org=partner_org)
    accounts = {}
    for row in balances:
        key = (row.partner_org_id, row.kind, row.currency)
        accounts.setdefault(key, Account(row.partner_org, row.kind, row.currency)).amounts[row.bucket] = row.amount
    return list(accounts.values())


@dataclass
class StatementLine:
    """One account (kind, currency) of a partner over a period: per bucket, what it held before the period,
    what moved in and out during it and what it held at its end."""

    kind: str
    currency: str
    opening: dict = field(default_factory=dict)
    moved_in: dict = field(default_factory=dict)
    moved_out: dict = field(default_factory=dict)
    closing: dict = field(default_factory=dict)


def partner_statement(viewer, *, partner_org, date_from, date_to):
    """The statement of `partner_org`'s accounts for the business dates `date_from`–`date_to`: a StatementLine per
    account that has postings up to `date_to`, the period's postings, and its reporting-currency totals."""
    postings = visible_postings(viewer).filter(partner_org=partner_org, business_date__lte=date_to)
    in_period = Q(business_date__gte=date_from)
    sums = (
        postings.values("kind", "currency")
        .order_by("kind", "currency")
        .annotate(
            **{f"before_in_{b}": Sum("amount", filter=~in_period & Q(to_bucket=b)) for b in BALANCE_BUCKETS},
            **{f"before_out_{b}": Sum("amount", filter=~in_period & Q(from_bucket=b)) for b in BALANCE_BUCKETS},
            **{f"in_{b}": Sum("amount", filter=in_period & Q(to_bucket=b)) for b in BALANCE_BUCKETS},
            **{f"out_{b}": Sum("amount", filter=in_period & Q(from_bucket=b)) for b in BALANCE_BUCKETS},
        )
    )
    lines = [_statement_line(row) for row in sums]
    movements = postings.filter(in_period).order_by("business_date", "created_at")
    return {"lines": lines, "postings": movements, "reporting_totals": reporting_totals(movements)}


def _statement_line(row):
    line = StatementLine(kind=row["kind"], currency=row["currency"])
    for bucket in BALANCE_BUCKETS:
        amount = {name: row[f"{name}_{bucket}"] or Decimal(0) for name in ("before_in", "before_out", "in", "out")}
        line.opening[bucket] = amount["before_in"] - amount["before_out"]
        line.moved_in[bucket] = amount["in"]
        line.moved_out[bucket] = amount["out"]
        line.closing[bucket] = line.opening[bucket] + amount["in"] - amount["out"]
    return line
