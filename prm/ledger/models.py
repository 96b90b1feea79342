"""Dated FX rates per tenant (and, next to them, the partner-payment ledger). docs/architecture.md, "Money"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import TenantModel


class FxRate(TenantModel):
    """1 unit of `base_currency` is worth `rate` units of `quote_currency` from `valid_from` until the pair's
    next rate. Never edited in place: a new dated row keeps the history that past conversions used."""

    base_currency = models.CharField(_("from currency"), max_length=3, help_text=_("ISO 4217 code"))
    quote_currency = models.CharField(_("to currency"), max_length=3, help_text=_("ISO 4217 code"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=100, blank=True)  # "manual", "csv upload", "api", …
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
