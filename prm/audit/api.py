from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers

from prm.accounts.permissions import can_read_audit
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer
from prm.api.views import TenantViewSet
from prm.audit.display import action_sentence, object_type_label
from prm.audit.models import AuditEvent
from prm.audit.selectors import audit_event_list


class AuditEventSerializer(ModelSerializer):
    action_label = serializers.SerializerMethodField(
        help_text="What was done, in the request's language, with the object's name as recorded: "
        '"Changed the status of partner organisation Northwind Distribution".'
    )
    object_type_label = serializers.SerializerMethodField(
        help_text='The kind of object, in the request\'s language ("partner organisation"); empty without one.'
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "action_label",
            "object_type",
            "object_type_label",
            "object_id",
            "object_label",
            "before",
            "after",
            "reason",
            "ip_address",
        ]
        read_only_fields = fields

    @extend_schema_field(str)
    def get_action_label(self, event):
        return action_sentence(event, event.object_label)[0]

    @extend_schema_field(str)
    def get_object_type_label(self, event):
        return object_type_label(event.object_type) if event.object_type else ""


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The append-only audit log (vendor admins)."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    permission_classes = [predicate_permission(can_read_audit)]
    filterset_fields = ["action", "object_type", "object_id", "actor"]
    search_fields = ["action", "object_label", "actor_label", "reason"]

    def scoped_queryset(self):
        return audit_event_list()
