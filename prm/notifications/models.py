from django.conf import settings
from django.db import models

from prm.tenancy.models import TenantModel


class Notification(TenantModel):
    """A message in one user's in-portal inbox; also sent by e-mail unless `email` is off."""

    # The inbox index (tenant, recipient, read_at) serves every lookup by recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title
