from django.conf import settings
from django.db import models

from prm.tenancy.models import TenantModel


class AuditEvent(TenantModel):
    """One state change or decision: who, what, when, before and after, why.

    Append-only: the database refuses UPDATE and DELETE (trigger in migration 0002, and the application
    role has no UPDATE/DELETE/TRUNCATE privilege on the table). Write it only through prm.audit.services.record.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"
