from rest_framework import mixins, serializers

from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import can_configure_tenant, is_vendor_staff
from prm.api.fields import ScopedRelatedField
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer
from prm.api.views import TenantViewSet
from prm.cadences import selectors, services
from prm.cadences.due_dates import next_due_date
from prm.cadences.models import MAX_DAYS_AFTER_QUARTER_END, ReportingCadence
from prm.fiscal import tenant_today
from prm.modules import report_kind_choices


class CadenceSerializer(ModelSerializer):
    report_kind = serializers.ChoiceField(choices=[])
    partner_org = ScopedRelatedField(
        PartnerOrg, required=False, allow_null=True, help_text="One partner organisation (or a partner_type)."
    )
    partner_type = serializers.ChoiceField(
        choices=PartnerOrg.Type.choices, required=False, allow_blank=True, help_text="Every partner of a type."
    )
    day_of_month = serializers.IntegerField(
        min_value=1, max_value=31, required=False, allow_null=True, help_text="monthly: due by this day (31: the last)."
    )
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, allow_null=True, help_text="weekly: 0 Monday … 6 Sunday."
    )
    days_after_quarter_end = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS_AFTER_QUARTER_END,
        required=False,
        allow_null=True,
        help_text="quarterly: due this many days after each fiscal quarter ends.",
    )
    next_due_date = serializers.SerializerMethodField(
        help_text="The next due date, today or later; one on a weekend or a public holiday is moved to the next "
        "business day (of the partner's country; the tenant's for a partner_type)."
    )

    class Meta:
        model = ReportingCadence
        fields = [
            "id",
            "report_kind",
            "partner_org",
            "partner_type",
            "frequency",
            "day_of_month",
            "weekday",
            "days_after_quarter_end",
            "next_due_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "next_due_date", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_kind"].choices = report_kind_choices()

    def get_next_due_date(self, cadence) -> str:
        return next_due_date(cadence, tenant_today()).isoformat()


class CadenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """When partners owe each kind of report (vendor staff read; vendor admins write). A partner's own cadence
    beats its type's; a cadence carries the one schedule field of its frequency."""

    model = ReportingCadence
    serializer_class = CadenceSerializer
    permission_classes = [predicate_permission(can_configure_tenant, read=is_vendor_staff)]
    filterset_fields = ["report_kind", "partner_org", "partner_type", "frequency"]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self):
        return selectors.cadence_list()

    def perform_create(self, serializer):
        serializer.instance = services.cadence_create(actor_membership=self.membership, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.cadence_update(
            actor_membership=self.membership, cadence=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.cadence_delete(actor_membership=self.membership, cadence=instance)
