from django.conf import settings
from django.db import models

from prm.modules import file_purpose_choices
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel


class StoredFile(TenantModel):
    """An uploaded file, stored under the tenant's prefix and served only through a permission check.

    `partner_org` set: only that organisation's users and vendor staff may download it.
    `staff_only`: vendor staff only. Neither: every member of the tenant. `public`: anyone on the
    tenant's host (the portal logo on the sign-in page).
    """

    class Purpose(models.TextChoices):
        """The core's purposes (prm.files.apps registers them); a module registers its own from its AppConfig."""

        LOGO = "logo", "Logo"
        CATALOG_IMPORT = "catalog_import", "Product import"

    purpose = models.CharField(max_length=40, choices=file_purpose_choices)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_path = models.CharField(max_length=500)
    partner_org = TenantForeignKey(
        "accounts.PartnerOrg", null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    staff_only = models.BooleanField(default=False)
    public = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "partner_org"], name="stored_file_partner_idx")]

    def __str__(self):
        return self.original_name
