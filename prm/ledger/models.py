"""Dated FX rates per tenant and the partner-payment ledger. docs/architecture.md, "Money" and "The partner-payment
ledger"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel


class FxRateSource(models.TextChoices):
    """How a rate came in (FxRate.source, a plain text field: other values are shown as they are)."""

    MANUAL = "manual", _("manual")
    CSV = "csv upload", _("CSV upload")
    API = "api", _("API")


class FxRate(TenantModel):
    """1 unit of `base_currency` is worth `rate` units of `quote_currency` from `valid_from` until the pair's
    next rate. Never edited in place: a new dated row keeps the history that past conversions used."""

    base_currency = models.CharField(_("from currency"), max_length=3, help_text=_("ISO 4217 code"))
    quote_currency = models.CharField(_("to currency"), max_length=3, help_text=_("ISO 4217 code"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=100, blank=True)  # FxRateSource, or any other text
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base_currency", "quote_currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "base_currency", "quote_currency", "valid_from"], name="one_fx_rate_per_pair_date"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(base_currency=models.F("quote_currency")), name="fx_rate_two_currencies"
            ),
        ]

    def __str__(self):
        return f"1 {self.base_currency} = {self.rate} {self.quote_currency} from {self.valid_from}"

    def get_source_display(self):
        """The source's label (FxRateSource), or the source as stored when it is another text."""
        return FxRateSource(self.source).label if self.source in FxRateSource.values else self.source


# --- the partner-payment ledger (docs/architecture.md, "The partner-payment ledger") ---------------------------


class Kind(models.TextChoices):
    """What an amount owed to a partner is for. A fixed list in the core (the issue's list): a statement groups by
    it and a partner reads it, so a module does not invent one; a new kind is a new choice here."""

    MDF_REIMBURSEMENT = "market_development_funds", _("MDF reimbursement")
    REBATE = "rebate", _("Rebate")
    SPIFF = "spiff", _("Spiff")
    BONUS = "bonus", _("Bonus")
    SHIP_AND_DEBIT = "ship_and_debit", _("Ship & debit")
    PRICE_PROTECTION = "price_protection", _("Price protection")
    CLAWBACK = "clawback", _("Clawback")


class Bucket(models.TextChoices):
    """Where an account's money is. OUTSIDE is the other end of every transfer and has no balance."""

    OUTSIDE = "outside", _("outside")
    ACCRUED = "accrued", _("accrued")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")


BALANCE_BUCKETS = (Bucket.ACCRUED, Bucket.APPROVED, Bucket.PAID)
# The moves a posting may make (from, to): accrue, approve (of an accrual, or of nothing accrued), pay, reverse.
MOVES = (
    (Bucket.OUTSIDE, Bucket.ACCRUED),
    (Bucket.ACCRUED, Bucket.APPROVED),
    (Bucket.OUTSIDE, Bucket.APPROVED),
    (Bucket.APPROVED, Bucket.PAID),
    (Bucket.ACCRUED, Bucket.OUTSIDE),
    (Bucket.APPROVED, Bucket.OUTSIDE),
    (Bucket.PAID, Bucket.OUTSIDE),
)
AMOUNT = {"max_digits": 20, "decimal_places": 4}


def _allowed_moves():
    condition = models.Q()
    for from_bucket, to_bucket in MOVES:
        condition |= models.Q(from_bucket=from_bucket, to_bucket=to_bucket)
    return condition


class Posting(TenantModel):
    """A transfer of `amount` between two buckets of one partner account (partner org, kind, currency).

    Append-only (`append_only`: prm.tenancy.rls revokes UPDATE/DELETE/TRUNCATE from the app role, and the trigger
    of migration 0002 refuses them even to the owner): a correction is a new posting. Written only by
    prm.ledger.services. The source is named, not referenced (the core knows no module's table)."""

    append_only = True

    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    from_bucket = models.CharField(_("from"), max_length=10, choices=Bucket.choices)
    to_bucket = models.CharField(_("to"), max_length=10, choices=Bucket.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    source_module = models.CharField(_("source module"), max_length=50)
    source_type = models.CharField(_("source type"), max_length=50)
    source_id = models.CharField(_("source id"), max_length=64)
    transfer = models.CharField(_("transfer"), max_length=50)  # "accrue", "approve", "pay", "reverse_paid", …
    revision = models.PositiveIntegerField(_("revision"))
    business_date = models.DateField(_("business date"))
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The amount in the tenant's reporting currency at the rate valid on the business date, and that rate.
    reporting_currency = models.CharField(_("reporting currency"), max_length=3)
    reporting_amount = models.DecimalField(_("reporting amount"), **AMOUNT)
    fx_rate = models.DecimalField(_("FX rate"), max_digits=20, decimal_places=10)
    fx_rate_valid_from = models.DateField(_("FX rate valid from"), null=True, blank=True)
    # As in the audit log: no database FK (an append-only row cannot be SET NULL; a user may still be deleted).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-business_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source_module", "source_type", "source_id", "transfer", "revision"],
                name="one_posting_per_source_transfer_revision",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="posting_amount_positive"),
            models.CheckConstraint(condition=models.Q(revision__gte=1), name="posting_revision_from_one"),
            models.CheckConstraint(condition=_allowed_moves(), name="posting_allowed_move"),
            models.CheckConstraint(
                condition=~models.Q(to_bucket=Bucket.PAID) | ~models.Q(payment_reference=""),
                name="posting_payment_has_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner_org", "business_date"], name="posting_partner_date_idx"),
            models.Index(fields=["tenant", "business_date"], name="posting_date_idx"),
        ]

    def __str__(self):
        return f"{self.transfer} {self.amount} {self.currency} {self.from_bucket}→{self.to_bucket}"


class Balance(TenantModel):
    """What one bucket of one partner account holds now: the sum of what moved in minus what moved out.

    Updated by prm.ledger.services in the posting's transaction, under a row lock, and never below zero (CHECK):
    so concurrent approvals cannot overdraw. Not append-only — it is the running total of the postings."""

    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    bucket = models.CharField(_("bucket"), max_length=10, choices=Bucket.choices)
    amount = models.DecimalField(_("amount"), default=0, **AMOUNT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner_org__name", "kind", "currency", "bucket"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "kind", "currency", "bucket"], name="one_balance_per_account_bucket"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="balance_never_negative"),
            models.CheckConstraint(
                condition=models.Q(bucket__in=[b.value for b in BALANCE_BUCKETS]), name="balance_of_a_real_bucket"
            ),
        ]

    def __str__(self):
        return f"{self.partner_org_id} {self.kind} {self.currency} {self.bucket}: {self.amount}"
