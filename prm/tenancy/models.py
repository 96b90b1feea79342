import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.colours import readable_on_white, text_colour_on
from prm.tenancy.context import CrossTenantWrite, require_current_tenant
from prm.validators import no_control_characters

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a6fb5."))


class Tenant(models.Model):
    """A vendor: one customer of the platform, running its own branded partner portal."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, validators=[no_control_characters])
    slug = models.SlugField(max_length=50, unique=True)
    reporting_currency = models.CharField(max_length=3, default="USD")
    default_language = models.CharField(max_length=10, default="en")
    time_zone = models.CharField(max_length=64, default="UTC")
    # Where the vendor is (whose public holidays business days skip, prm.business_days) and when its fiscal year
    # starts (prm.fiscal: FY named by the calendar year it ends in).
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2 code")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    # Branding, shown on every page, e-mail and PDF of the tenant's portal.
    portal_name = models.CharField(max_length=120, blank=True, validators=[no_control_characters])
    logo = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    primary_colour = models.CharField(max_length=7, default="#1f4e79", validators=[hex_colour])
    accent_colour = models.CharField(max_length=7, default="#f0a500", validators=[hex_colour])
    email_sender_name = models.CharField(max_length=120, blank=True, validators=[no_control_characters])
    email_sender_address = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="tenant_fiscal_year_start_month_1_12",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.portal_name or self.name

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    # The colours that stay readable whatever the brand colours are (prm.colours).
    @property
    def primary_text_colour(self):
        return text_colour_on(self.primary_colour)

    @property
    def accent_text_colour(self):
        return text_colour_on(self.accent_colour)

    @property
    def link_colour(self):
        return readable_on_white(self.primary_colour)


class Domain(models.Model):
    """A host name that serves one tenant's portal: `<slug>.<base domain>` or a custom domain."""

    host = models.CharField(max_length=253)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # Host names are case-insensitive: ACME.example.com is acme.example.com (the middleware looks up
            # lower(host), which this index serves).
            models.UniqueConstraint(Lower("host"), name="domain_host_unique_ci"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="one_primary_domain_per_tenant"
            ),
        ]

    def __str__(self):
        return self.host


class TenantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """bulk_create skips save(): give new rows the scope's tenant here, and refuse other tenants' rows."""
        tenant = require_current_tenant()
        objs = list(objs)
        for obj in objs:
            if obj.tenant_id is None:
                obj.tenant = tenant
            elif obj.tenant_id != tenant.pk:
                raise CrossTenantWrite(f"{type(obj).__name__} of another tenant bulk-created inside a tenant scope")
        return super().bulk_create(objs, *args, **kwargs)


class TenantScopedManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default `objects` manager of tenant tables: filters by the current tenant, raises when none is set."""

    def get_queryset(self):
        tenant = require_current_tenant()
        return super().get_queryset().filter(tenant_id=tenant.pk)


class TenantModel(models.Model):
    """Base of every tenant-owned table.

    - `tenant` is a real, indexed column; row-level security and same-tenant foreign keys are added
      to every subclass's table after each migrate (prm.tenancy.rls).
    - `objects` is scoped to the current tenant and fails closed; `all_tenants` is the plain manager
      Django internals use. Application code that uses `all_tenants` says why.
    - Primary keys are UUIDs: URLs and API answers never reveal another tenant's counts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No single-column index: the (tenant_id, id) unique key that prm.tenancy.rls adds to every tenant table serves
    # every lookup by tenant.
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)

    all_tenants = models.Manager()
    objects = TenantScopedManager()

    # prm.tenancy.rls gives the table a UNIQUE (tenant_id, id) key, which same-tenant foreign keys point to.
    tenant_key = True

    class Meta:
        abstract = True
        default_manager_name = "all_tenants"
        base_manager_name = "all_tenants"

    def save(self, *args, **kwargs):
        """A row is saved inside its tenant's scope only: with none, `TenantNotSet` (row-level security would
        refuse the write anyway, with a less telling error); inside another tenant's, `CrossTenantWrite`."""
        tenant = require_current_tenant()
        if self.tenant_id is None:
            self.tenant = tenant
        elif self.tenant_id != tenant.pk:
            raise CrossTenantWrite(f"{type(self).__name__} of another tenant saved inside a tenant scope")
        super().save(*args, **kwargs)
