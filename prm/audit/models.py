from django.conf import settings
from django.db import models

from prm.tenancy.models import TenantModel


class AuditEvent(TenantModel):
    """One state change or decision: who, what, when, before and after, why.

    Append-only: the database refuses UPDATE and DELETE (trigger in migration 0003, and the application
    role has no UPDATE/DELETE/TRUNCATE privilege on the table: `append_only`, read by prm.tenancy.rls). Write it
    only through prm.audit.services.record.
    """

    append_only = True

    # The actor stays on record after the user is deleted: no database foreign key (SET NULL would be an UPDATE,
    # which the append-only table refuses, and a plain FK would block deleting the user); `actor_label` keeps
    # the actor's e-mail as it was (what the log shows). A deleted actor's id then points to no row.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_time_idx"),  # the audit log's order
        ]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"
