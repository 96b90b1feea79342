from rest_framework import mixins

from prm.accounts.permissions import can_read_audit
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer
from prm.api.views import TenantViewSet
from prm.audit.models import AuditEvent
from prm.audit.selectors import audit_event_list


class AuditEventSerializer(ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
            "reason",
            "ip_address",
        ]
        read_only_fields = fields


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The append-only audit log (vendor admins)."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    permission_classes = [predicate_permission(can_read_audit)]
    filterset_fields = ["action", "object_type", "object_id", "actor"]
    search_fields = ["action", "object_label", "actor_label", "reason"]

    def scoped_queryset(self):
        return audit_event_list()
