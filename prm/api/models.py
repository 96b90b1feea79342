from datetime import timedelta

from django.db import models

from prm.accounts.models import ApiToken
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel

IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


class IdempotencyKey(TenantModel):
    """The first successful answer to a POST sent with an `Idempotency-Key` header, per API token, replayed to a
    retry with the same key and body for IDEMPOTENCY_KEY_LIFETIME (prm.api.idempotency; docs/api.md)."""

    token = TenantForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField()
    # SHA-256 of the method, path, media type and parsed body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_content_type = models.CharField(max_length=255)
    response_body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token", "key"], name="idempotency_key_unique_per_token")
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="idempotency_key_created_idx")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"
