"""/api/v1/partners/applications/: anyone may send an application (no credentials; a per-address rate limit,
partners/throttling.py); vendor admins and channel managers list, read, approve and decline them."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from partners import selectors
from partners.models import MAX_SPECIALISATIONS, SPECIALISATION_LENGTH, PartnerApplication, Tier, TierChange
from partners.selectors import tier_status, tier_statuses
from partners.services.applications import (
    MAX_EXPECTED_SALES,
    application_approve,
    application_decline,
    application_submit,
)
from partners.services.tiers import TIER_FIELDS, tier_create, tier_override, tier_update, tiers_evaluate
from partners.throttling import ApplicationRateThrottle
from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import (
    PARTNER_MANAGER_ROLES,
    can_configure_tenant,
    can_manage_partner_orgs,
    can_review_applications,
    is_member,
)
from prm.api.fields import CountryField, ScopedRelatedField
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet
from prm.territories.selectors import partner_orgs_in_scope

APPLICATION_STATUSES = PartnerApplication.Status.choices  # named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
DUPLICATE_KINDS = [("partner", "partner"), ("application", "application")]
MANAGERS = {"role__in": sorted(PARTNER_MANAGER_ROLES), "is_active": True}


class ApplicationSubmitSerializer(Serializer):
    company_name = serializers.CharField(max_length=200)
    partner_type = serializers.ChoiceField(PartnerOrg.Type.choices)
    country = CountryField()
    website = serializers.CharField(max_length=300, help_text="e.g. example.com")
    specialisations = serializers.ListField(
        child=serializers.CharField(max_length=SPECIALISATION_LENGTH),
        max_length=MAX_SPECIALISATIONS,
        required=False,
    )
    expected_annual_sales = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        max_value=MAX_EXPECTED_SALES,
        required=False,
        allow_null=True,
        help_text="In the tenant's reporting currency.",
    )
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.EmailField(max_length=254)


class ApplicationReceiptSerializer(ModelSerializer):
    class Meta:
        model = PartnerApplication
        fields = ["id", "status", "submitted_at"]
        read_only_fields = fields


class DuplicateMatchSerializer(Serializer):
    kind = serializers.ChoiceField(DUPLICATE_KINDS)
    id = serializers.UUIDField(source="obj.pk")
    name = serializers.CharField()
    field = serializers.CharField(help_text="What matched: the web domain or the company name.")
    value = serializers.CharField()


class PartnerApplicationSerializer(ModelSerializer):
    possible_duplicates = serializers.SerializerMethodField()

    class Meta:
        model = PartnerApplication
        fields = [
            "id",
            "company_name",
            "partner_type",
            "country",
            "website",
            "web_domain",
            "specialisations",
            "expected_annual_sales",
            "currency",
            "contact_name",
            "contact_email",
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "partner_org",
            "possible_duplicates",
        ]
        read_only_fields = fields

    @extend_schema_field(DuplicateMatchSerializer(many=True))
    def get_possible_duplicates(self, application):
        """Partners and other applications with the same web domain or company name (the list computes a page's
        at once and passes them in the context)."""
        duplicates = self.context.get("duplicates")
        if duplicates is None:
            duplicates = selectors.possible_duplicates([application])
        return DuplicateMatchSerializer(duplicates[application.pk], many=True).data


class ApproveSerializer(Serializer):
    channel_manager = ScopedRelatedField(Membership, filter=MANAGERS, help_text="The new partner's channel manager.")
    name = serializers.CharField(max_length=200, required=False, help_text="By default the company's name.")
    partner_type = serializers.ChoiceField(PartnerOrg.Type.choices, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DeclineSerializer(Serializer):
    reason = serializers.CharField(max_length=1000, help_text="E-mailed to the applicant.")


class PartnerApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Applications to become a partner. `POST` is public (no credentials needed; at most a few an hour from one
    address, then 429); reading and deciding them is for vendor admins and channel managers."""

    model = PartnerApplication
    serializer_class = PartnerApplicationSerializer
    permission_classes = [predicate_permission(can_review_applications)]
    filterset_fields = ["status", "partner_type", "country"]
    search_fields = ["company_name", "contact_email", "web_domain"]
    ordering_fields = ["submitted_at", "company_name", "country"]

    def get_permissions(self):
        return [AllowAny()] if self.action == "create" else super().get_permissions()

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ApplicationRateThrottle()] if self.action == "create" else throttles

    def scoped_queryset(self):
        return selectors.application_list(self.membership, status="")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "duplicates": selectors.possible_duplicates(page)}
        return self.get_paginated_response(PartnerApplicationSerializer(page, many=True, context=context).data)

    @extend_schema(
        request=ApplicationSubmitSerializer,
        responses={201: ApplicationReceiptSerializer},
        summary="Apply to become a partner (public; the contact gets a confirmation e-mail)",
    )
    def create(self, request):
        body = ApplicationSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = application_submit(**body.validated_data, submitted_from=request.META.get("REMOTE_ADDR"))
        return Response(ApplicationReceiptSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ApproveSerializer,
        responses={200: PartnerApplicationSerializer},
        summary="Approve: creates the partner organisation and invites the contact as its partner admin "
        "(409 when it was decided already, or a partner of that name exists)",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()  # another tenant's id is not found before its body is read
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = application_approve(
            actor_membership=self.membership, application=application, **body.validated_data
        )
        return Response(PartnerApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(
        request=DeclineSerializer,
        responses={200: PartnerApplicationSerializer},
        summary="Decline with a reason, e-mailed to the applicant (409 when it was decided already)",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        application = self.get_object()  # another tenant's id is not found before its body is read
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = application_decline(
            actor_membership=self.membership, application=application, reason=body.validated_data["reason"]
        )
        return Response(PartnerApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)


# --- tiers -------------------------------------------------------------------------------------------------------


class EvaluationSerializer(Serializer):
    changes = serializers.IntegerField(help_text="The tier changes the run made.")


class TierStatusQuery(Serializer):
    partner = ScopedRelatedField(
        PartnerOrg, required=False, help_text="The partner (vendor staff; a partner: its own)."
    )


class TierSerializer(ModelSerializer):
    partner_types = serializers.ListField(
        child=serializers.ChoiceField(PartnerOrg.Type.choices),
        required=False,
        help_text="The track: the partner types this tier is for (empty: every type no other tier names).",
    )
    min_sales_12m = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, max_value=MAX_EXPECTED_SALES)
    rebate_rate_modifier = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=-100, max_value=100, required=False, help_text="Percentage points."
    )
    mdf_allocation = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=MAX_EXPECTED_SALES, required=False
    )
    deal_protection_discount = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, help_text="Percent."
    )

    class Meta:
        model = Tier
        fields = ["id", *TIER_FIELDS]
        read_only_fields = ["id"]
        extra_kwargs = {"rank": {"min_value": 0, "max_value": 1000}}


class TierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, TenantViewSet
):
    """The program's tiers: every member reads them (a partner reads what each tier needs and gives); vendor admins
    create and change them. `POST evaluate/` re-evaluates every partner now."""

    model = Tier
    serializer_class = TierSerializer
    permission_classes = [predicate_permission(can_configure_tenant, read=is_member)]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self):
        return selectors.tier_list()

    def perform_create(self, serializer):
        serializer.instance = tier_create(actor_membership=self.membership, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = tier_update(
            actor_membership=self.membership, tier=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses={200: EvaluationSerializer}, summary="Re-evaluate every partner now")
    @action(detail=False, methods=["post"])
    def evaluate(self, request):
        return Response({"changes": len(tiers_evaluate(actor_membership=self.membership))})


class TierChangeSerializer(ModelSerializer):
    class Meta:
        model = TierChange
        fields = ["id", "partner_org", "from_tier", "to_tier", "cause", "figures", "reason", "decided_by", "created_at"]
        read_only_fields = fields


class TierChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The history of every tier change (a partner's own; staff's within their scope), newest first."""

    model = TierChange
    serializer_class = TierChangeSerializer
    filterset_fields = ["partner_org", "cause"]

    def scoped_queryset(self):
        return selectors.tier_history(self.membership)


class RequirementSerializer(Serializer):
    label = serializers.CharField()
    current = serializers.DecimalField(max_digits=24, decimal_places=4)
    target = serializers.DecimalField(max_digits=24, decimal_places=4)
    gap = serializers.DecimalField(max_digits=24, decimal_places=4)


class TierStatusSerializer(Serializer):
    partner_org = serializers.UUIDField(source="profile.partner_org_id")
    tier = serializers.UUIDField(source="profile.tier_id", allow_null=True)
    tier_since = serializers.DateField(source="profile.tier_since", allow_null=True)
    grace_until = serializers.DateField(
        source="profile.grace_until", allow_null=True, help_text="Set while a downgrade waits for its grace period."
    )
    pending_tier = serializers.UUIDField(source="profile.pending_tier_id", allow_null=True)
    override_tier = serializers.UUIDField(source="profile.override_tier_id", allow_null=True)
    override_until = serializers.DateField(source="profile.override_until", allow_null=True)
    sales_12m = serializers.DecimalField(source="figures.sales_12m", max_digits=24, decimal_places=4)
    next_tier = serializers.UUIDField(source="next_tier.pk", allow_null=True, default=None)
    requirements = RequirementSerializer(
        many=True, help_text="Each requirement of the next tier: current, target, gap."
    )


class TierStatusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Each partner's tier and "what you need for the next tier", by partner organisation id: a partner its own;
    staff the partners of their scope."""

    model = PartnerOrg
    serializer_class = TierStatusSerializer
    ordering = ["name"]

    def scoped_queryset(self):
        return partner_orgs_in_scope(self.membership).order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        statuses = tier_statuses(page)
        return self.get_paginated_response(TierStatusSerializer([statuses[org.pk] for org in page], many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(TierStatusSerializer(tier_status(self.get_object())).data)


class TierOverrideSerializer(Serializer):
    partner = ScopedRelatedField(PartnerOrg)
    tier = ScopedRelatedField(Tier)
    until = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class TierOverrideView(APIView):
    permission_classes = [predicate_permission(can_manage_partner_orgs)]

    @extend_schema(
        request=TierOverrideSerializer,
        responses={201: TierChangeSerializer},
        summary="Hold a partner at a tier until a date",
    )
    def post(self, request):
        body = TierOverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        change = tier_override(
            actor_membership=request._request.membership,
            partner_org=data["partner"],
            tier=data["tier"],
            until=data["until"],
            reason=data["reason"],
        )
        return Response(TierChangeSerializer(change).data, status=status.HTTP_201_CREATED)
