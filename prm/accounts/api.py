from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from prm.accounts import selectors, services
from prm.accounts.models import Invitation, Membership, PartnerOrg
from prm.accounts.permissions import PARTNER_MANAGER_ROLES, can_invite_users, can_manage_partner_orgs, is_vendor_staff
from prm.api.fields import CountryField, ScopedRelatedField
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet


class MeSerializer(Serializer):
    id = serializers.UUIDField(source="user.id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.CharField()
    partner_org = serializers.UUIDField(source="partner_org_id", allow_null=True)
    tenant = serializers.CharField(source="tenant.slug")


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The authenticated user and their role in this tenant")
    def get(self, request):
        return Response(MeSerializer(request._request.membership).data)


class PartnerOrgSerializer(ModelSerializer):
    channel_manager = ScopedRelatedField(
        Membership, filter={"role__in": sorted(PARTNER_MANAGER_ROLES)}, required=False, allow_null=True
    )
    country = CountryField()
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why (kept in the audit log); required with a new `status`.",
    )

    class Meta:
        model = PartnerOrg
        fields = ["id", "name", "partner_type", "country", "status", "channel_manager", "created_at", "reason"]
        read_only_fields = ["id", "created_at"]


class PartnerOrgViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, TenantViewSet
):
    """Partner organisations of this tenant (vendor staff; vendor admins and channel managers write)."""

    model = PartnerOrg
    serializer_class = PartnerOrgSerializer
    permission_classes = [predicate_permission(can_manage_partner_orgs, read=is_vendor_staff)]
    filterset_fields = ["partner_type", "country", "status", "channel_manager"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self):
        return selectors.partner_org_list(viewer=self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        serializer.instance = services.partner_org_create(actor_membership=self.membership, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        serializer.instance = services.partner_org_update(
            org=serializer.instance, actor_membership=self.membership, reason=reason, **data
        )


class MembershipSerializer(ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "partner_org", "is_active", "created_at"]
        read_only_fields = fields


class ReasonSerializer(Serializer):
    reason = serializers.CharField(max_length=500)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Portal users: vendor staff see everyone, partner admins their own organisation."""

    model = Membership
    serializer_class = MembershipSerializer
    permission_classes = [predicate_permission(can_invite_users)]
    filterset_fields = ["role", "partner_org", "is_active"]
    search_fields = ["user__email", "user__full_name"]

    def scoped_queryset(self):
        return selectors.visible_memberships(self.membership)

    @extend_schema(request=ReasonSerializer, responses=MembershipSerializer, summary="Remove a user's access")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        target = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.membership_deactivate(
            membership=target, actor_membership=self.membership, reason=body.validated_data["reason"]
        )
        return Response(MembershipSerializer(target).data)


class InvitationSerializer(ModelSerializer):
    partner_org = ScopedRelatedField(PartnerOrg, required=False, allow_null=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "partner_org", "status", "expires_at", "created_at"]
        read_only_fields = ["id", "status", "expires_at", "created_at"]


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    """Invitations. The accept link is e-mailed to the invitee; the token is never returned by the API."""

    model = Invitation
    serializer_class = InvitationSerializer
    permission_classes = [predicate_permission(can_invite_users)]
    filterset_fields = ["role", "partner_org"]
    search_fields = ["email"]

    def scoped_queryset(self):
        return selectors.visible_invitations(self.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance, _token = services.invitation_create(
            actor_membership=self.membership,
            email=data["email"],
            role=data["role"],
            partner_org=data.get("partner_org"),
        )

    @extend_schema(request=None, responses=InvitationSerializer, summary="Withdraw an open invitation")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(invitation=self.get_object(), actor_membership=self.membership)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_200_OK)
