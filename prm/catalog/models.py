from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel
from prm.validators import no_control_characters


class Product(TenantModel):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    family = models.CharField(_("family"), max_length=100, blank=True, validators=[no_control_characters])
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sku"]
        constraints = [models.UniqueConstraint("tenant", Lower("sku"), name="product_sku_unique_per_tenant")]

    def __str__(self):
        return f"{self.sku} — {self.name}"


class PriceList(TenantModel):
    """A list of prices in one currency (e.g. "USD list price", "EUR distributor price")."""

    name = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("tenant", Lower("name"), name="price_list_name_unique_per_tenant")]

    def __str__(self):
        return f"{self.name} ({self.currency})"


class Price(TenantModel):
    """A product's price on a price list from `valid_from` until the next price's date. Prices are never
    edited in place: a new dated row keeps the history that price protection needs."""

    price_list = TenantForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    product = TenantForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=4)
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product__sku", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "price_list", "product", "valid_from"], name="one_price_per_product_list_date"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["tenant", "product"], name="price_product_idx")]

    def __str__(self):
        return f"{self.product.sku} {self.amount} {self.price_list.currency} from {self.valid_from}"
