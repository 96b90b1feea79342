"""Channel point-of-sale (sales-out) data: partner part-number cross-references, saved column mappings,
import jobs, the validated lines and the rejected ones."""

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import Tenant, TenantModel
from prm.validators import no_control_characters


class Field(models.TextChoices):
    """The fields a sales-out line maps to. `invoice_line` makes the line's identity exact when the file has it."""

    INVOICE_NUMBER = "invoice_number", _("Invoice number")
    INVOICE_DATE = "invoice_date", _("Invoice / ship date")
    INVOICE_LINE = "invoice_line", _("Invoice line number")
    SKU = "sku", _("SKU or partner part number")
    QUANTITY = "quantity", _("Quantity")
    UNIT_PRICE = "unit_price", _("Unit price")
    CURRENCY = "currency", _("Currency")
    END_CUSTOMER_NAME = "end_customer_name", _("End-customer name")
    END_CUSTOMER_COUNTRY = "end_customer_country", _("End-customer country")
    END_CUSTOMER_DOMAIN = "end_customer_domain", _("End-customer web domain")
    END_CUSTOMER_POSTCODE = "end_customer_postcode", _("End-customer postcode")
    RESELLER_NAME = "reseller_name", _("Reporting reseller (two-tier)")


REQUIRED_FIELDS = (
    Field.INVOICE_NUMBER,
    Field.INVOICE_DATE,
    Field.SKU,
    Field.QUANTITY,
    Field.UNIT_PRICE,
    Field.END_CUSTOMER_NAME,
    Field.END_CUSTOMER_COUNTRY,
)


class DateFormat(models.TextChoices):
    ISO = "YYYY-MM-DD", "YYYY-MM-DD"
    DMY_SLASH = "DD/MM/YYYY", "DD/MM/YYYY"
    MDY_SLASH = "MM/DD/YYYY", "MM/DD/YYYY"
    DMY_DOT = "DD.MM.YYYY", "DD.MM.YYYY"
    DMY_DASH = "DD-MM-YYYY", "DD-MM-YYYY"
    COMPACT = "YYYYMMDD", "YYYYMMDD"


class DecimalSeparator(models.TextChoices):
    POINT = ".", _("1,234.56")
    COMMA = ",", _("1.234,56")


class PartnerPartNumber(TenantModel):
    """A partner's own part number for one of the vendor's products (SKU cross-reference)."""

    partner_org = TenantForeignKey("accounts.PartnerOrg", on_delete=models.CASCADE, related_name="part_numbers")
    partner_sku = models.CharField(_("partner part number"), max_length=64)
    product = TenantForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="partner_part_numbers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner_sku"]
        constraints = [
            models.UniqueConstraint(
                "tenant", "partner_org", Lower("partner_sku"), name="partner_part_number_unique_per_partner"
            )
        ]
        indexes = [models.Index(fields=["tenant", "product"], name="part_number_product_idx")]

    def __str__(self):
        return f"{self.partner_sku} → {self.product.sku}"


class ColumnMapping(TenantModel):
    """A partner's saved template: which column of its file holds which field, and how dates and decimals
    are written. Applied automatically to later files with the same header."""

    partner_org = TenantForeignKey("accounts.PartnerOrg", on_delete=models.CASCADE, related_name="pos_mappings")
    name = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    header = models.JSONField(help_text="The column names of the file the template was made from.")
    header_signature = models.CharField(max_length=64)
    columns = models.JSONField(help_text="{field: column index}")
    date_format = models.CharField(_("date format"), max_length=12, choices=DateFormat.choices, default=DateFormat.ISO)
    decimal_separator = models.CharField(
        _("decimal separator"), max_length=1, choices=DecimalSeparator.choices, default=DecimalSeparator.POINT
    )
    default_currency = models.CharField(
        _("currency when the file has none"), max_length=3, blank=True, help_text=_("ISO 4217 code")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "header_signature"], name="one_mapping_per_partner_header"
            )
        ]

    def __str__(self):
        return self.name


class PosImport(TenantModel):
    """One uploaded sales-out file and the job that validates and loads it.

    Invariant once completed: lines_accepted + lines_rejected = lines_read."""

    class Status(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", _("Waiting for a column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        FILE = "file", _("File upload")
        API = "api", _("API lines")

    partner_org = TenantForeignKey("accounts.PartnerOrg", on_delete=models.PROTECT, related_name="pos_imports")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    file = TenantForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file_kind = models.CharField(max_length=10, blank=True)  # csv / xlsx
    file_sha256 = models.CharField(max_length=64, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    header = models.JSONField(default=list)
    mapping = TenantForeignKey(ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    lines_read = models.PositiveIntegerField(default=0)
    lines_accepted = models.PositiveIntegerField(default=0)
    lines_rejected = models.PositiveIntegerField(default=0)
    reject_reasons = models.JSONField(default=dict, help_text="{reason code: count}")
    # Two-tier reports: accepted lines naming a reseller, and those whose reseller's company key is the name key
    # of one of the tenant's partner organisations when the file was loaded (the data-quality page's match rate).
    lines_with_reseller = models.PositiveIntegerField(default=0)
    lines_reseller_matched = models.PositiveIntegerField(default=0)
    # The period the report covers: its accepted lines' first and last invoice dates (none accepted: null).
    first_sale_date = models.DateField(null=True, blank=True)
    last_sale_date = models.DateField(null=True, blank=True)
    # The uploader's language when the file arrived: the worker's notification about the job speaks it.
    language = models.CharField(max_length=10, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # when the latest attempt started
    # When the job's message was last sent again by the stalled-job check (else it was sent when created).
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "partner_org", "created_at"], name="pos_import_partner_idx"),
            models.Index(fields=["tenant", "file"], name="pos_import_file_idx"),
            models.Index(fields=["tenant", "mapping"], name="pos_import_mapping_idx"),
        ]
        constraints = [
            # The same file is taken once per partner; a failed job does not count (the file may be sent again).
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "file_sha256"],
                condition=~models.Q(status="failed") & ~models.Q(file_sha256=""),
                name="pos_import_same_file_once",
            )
        ]

    @property
    def load_restarted(self):
        """Whether the load started again after an earlier one stopped unfinished (its worker died, or a transient
        error): an attempt is counted only by a delivery that holds the job's lock and starts the load."""
        return self.attempts > 1

    def __str__(self):
        name = self.file.original_name if self.file_id else self.get_source_display()
        return f"{name} ({self.get_status_display()})"


class PosLine(TenantModel):
    """A validated sales-out line: the ground truth rebates, tiers, inventory and analytics read.

    Identity (the unique index, see docs/pos.md): partner, invoice number (case-insensitive), product and
    `line_key` — "L:<invoice line number>" when the file has one, else "Q:<quantity>@<unit price>".
    Bulk table: its references are resolved by the import's set-based joins inside the tenant, so it carries
    no foreign-key constraints (a check per inserted line would dominate the load: docs/performance.md)."""

    tenant_key = False  # nothing references a line by (tenant, id): one index fewer to fill per line
    # Bulk table: no per-row foreign-key checks (not even the tenant's; RLS's WITH CHECK pins the tenant).
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, db_constraint=False
    )
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", on_delete=models.PROTECT, related_name="pos_lines", db_constraint=False, db_index=False
    )
    pos_import = TenantForeignKey(
        PosImport, on_delete=models.PROTECT, related_name="lines", db_constraint=False, db_index=False
    )
    line_number = models.PositiveIntegerField()
    invoice_number = models.CharField(max_length=64)
    # Identity keys compare byte-wise (collation "C"): the unique index is filled a million lines at a time.
    invoice_key = models.CharField(max_length=64, db_collation="C")  # lower-cased invoice number
    invoice_date = models.DateField()
    line_key = models.CharField(max_length=80, db_collation="C")
    product = TenantForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="pos_lines", db_constraint=False, db_index=False
    )
    reported_sku = models.CharField(max_length=64)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    end_customer_name = models.CharField(max_length=200)
    # Keys from prm.companies (docs/pos.md, "The line's keys"), computed by the load once per distinct value:
    # the end customer's company key, the registrable domain of its domain ("" when none or a free-mail/hosting
    # domain), and the reporting reseller's company key ("" without a reseller).
    end_customer_key = models.CharField(max_length=200)
    end_customer_country = models.CharField(max_length=2)
    end_customer_domain = models.CharField(max_length=253, blank=True)
    end_customer_domain_key = models.CharField(max_length=253, blank=True)
    end_customer_postcode = models.CharField(max_length=20, blank=True)
    reseller_name = models.CharField(max_length=200, blank=True)
    reseller_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Newest loads first (ids start with the load's time): the primary key serves the order. Date ranges
        # are served by a BRIN index — lines arrive roughly in date order, and a BRIN costs almost nothing per
        # inserted line where a B-tree on the date cost ~1 s per million (docs/performance.md).
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "invoice_key", "product", "line_key"], name="pos_line_identity"
            ),
            models.CheckConstraint(condition=~models.Q(quantity=0), name="pos_line_quantity_not_zero"),
        ]
        indexes = [
            BrinIndex(fields=["invoice_date"], name="pos_line_date_brin"),
            # The lines page and API (newest first, per tenant). Ids start with the load's time, so new lines
            # land at the right end of this index.
            models.Index(fields=["tenant", "-id"], name="pos_line_page_idx"),
        ]

    def __str__(self):
        return f"{self.invoice_number} {self.reported_sku} × {self.quantity}"


class PosReject(TenantModel):
    """A line of an import that was not loaded, with its original values and the reason.

    Bulk table like PosLine (written tens of thousands at a time by the load, in its transaction, next to the
    job it belongs to): no per-row foreign-key checks, no (tenant, id) key — nothing references a reject."""

    tenant_key = False
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, db_constraint=False
    )
    pos_import = TenantForeignKey(
        PosImport, on_delete=models.CASCADE, related_name="rejects", db_index=False, db_constraint=False
    )
    line_number = models.PositiveIntegerField()
    reason_code = models.CharField(max_length=50)
    raw_values = models.JSONField()

    class Meta:
        ordering = ["line_number"]
        indexes = [models.Index(fields=["tenant", "pos_import", "line_number"], name="pos_reject_import_idx")]

    def __str__(self):
        return f"line {self.line_number}: {self.reason_code}"


class PosSalesRollup(TenantModel):
    """Validated sales per partner, product, invoice month (its first day) and line currency — kept current by
    the load inside its own transaction (pos/services/rollup.py), so that it always equals a direct sum over the
    lines (tests/pos/test_rollup.py). docs/pos.md, "The sales rollup".

    `amount` is the sum of quantity × unit price in `currency` (returns are negative quantities and reduce it);
    `amount_reporting` the same in the tenant's reporting currency, each line converted at the FX rate of its
    invoice date and rounded to 4 decimals; a line without a rate is counted in `lines_without_rate` and left
    out of `amount_reporting` (never converted at 1.0). Derived data, written a whole load at a time: no per-row
    foreign-key checks and no (tenant_id, id) key, like the lines it sums."""

    tenant_key = False
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, db_constraint=False
    )
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    product = TenantForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(help_text="The first day of the invoice month.")
    currency = models.CharField(max_length=3)
    quantity = models.BigIntegerField()
    amount = models.DecimalField(max_digits=24, decimal_places=4)
    amount_reporting = models.DecimalField(max_digits=24, decimal_places=4)
    line_count = models.PositiveIntegerField()
    lines_without_rate = models.PositiveIntegerField()

    class Meta:
        ordering = ["month", "partner_org", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_org", "product", "month", "currency"], name="pos_rollup_key"
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="pos_rollup_month_first_day"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.currency} {self.amount}"


class PosPartnerMonthSales(TenantModel):
    """Each partner's validated sales per invoice month in the tenant's reporting currency: the sales rollup summed
    over products and currencies, kept current by the rollup's writers in their transaction (pos/services/rollup.py)
    for the reads that want a partner's months and no product — a trailing-12-month figure of every partner (tier
    evaluation) reads 12 rows a partner instead of its products' rollup rows. Equal to the rollup's sums
    (tests/pos/test_rollup.py). Derived data like the rollup: no per-row foreign-key checks, no (tenant_id, id) key."""

    tenant_key = False
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, db_constraint=False
    )
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(help_text="The first day of the invoice month.")
    amount_reporting = models.DecimalField(max_digits=24, decimal_places=4)
    line_count = models.PositiveIntegerField()
    lines_without_rate = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner_org", "month"], name="pos_partner_month_key"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="pos_partner_month_first_day"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.amount_reporting}"


class CountryAlias(models.Model):
    """Platform reference data (no tenant): ways a file may write a country → ISO 3166-1 alpha-2."""

    alias = models.CharField(max_length=100, primary_key=True)  # lower case
    code = models.CharField(max_length=2)

    def __str__(self):
        return f"{self.alias} → {self.code}"
