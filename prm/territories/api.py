"""/api/v1/territories/ (the tree, its areas and assignments; `match/` finds an address's territories) and
/api/v1/territory-limits/ (the staff members limited to their territories). Vendor staff read, vendor admins write."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import VENDOR_ROLES, can_manage_territories, is_vendor_staff
from prm.api.fields import CountryField, ScopedRelatedField
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet
from prm.territories import selectors, services
from prm.territories.models import Territory, TerritoryLimit
from prm.validators import UUID

MAX_LIST = 1000
STAFF = {"role__in": sorted(VENDOR_ROLES)}


class ListedIdField(ScopedRelatedField):
    """An id inside a list, held to the schema's type and form (prm.api.serializers checks top-level fields only)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not UUID.fullmatch(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class PostcodePrefixSerializer(Serializer):
    country = CountryField()
    prefix = serializers.RegexField(r"^[A-Za-z0-9]{1,10}$", help_text="The start of the country's postcodes.")


class TerritorySerializer(ModelSerializer):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9_.&-]{0,29}$", help_text="e.g. EMEA-DACH")
    parent = ScopedRelatedField(Territory, required=False, allow_null=True)
    countries = serializers.ListField(
        child=CountryField(), required=False, max_length=300, help_text="Countries the territory holds."
    )
    postcode_prefixes = PostcodePrefixSerializer(
        many=True,
        required=False,
        max_length=MAX_LIST,
        source="postcode_prefix_areas",
        help_text="Where given for a country, the territory holds only that country's postcodes starting so.",
    )
    partner_orgs = serializers.ListField(
        child=ListedIdField(PartnerOrg), source="assigned_partner_orgs", required=False, max_length=MAX_LIST
    )
    staff = serializers.ListField(
        child=ListedIdField(Membership, filter=STAFF), source="assigned_staff", required=False, max_length=MAX_LIST
    )

    class Meta:
        model = Territory
        fields = ["id", "name", "code", "parent", "countries", "postcode_prefixes", "partner_orgs", "staff"]
        fields += ["created_at"]
        read_only_fields = ["id", "created_at"]


def _service_arguments(data):
    """(The fields territory_create/update take, the assignments territory_set_assignments takes.)"""
    data = dict(data)
    if "postcode_prefix_areas" in data:
        prefixes = {}
        for area in data.pop("postcode_prefix_areas"):
            prefixes.setdefault(area["country"], []).append(area["prefix"])
        data["postcode_prefixes"] = prefixes
    sources = {"assigned_partner_orgs": "partner_orgs", "assigned_staff": "staff"}
    assignments = {name: data.pop(source) for source, name in sources.items() if source in data}
    return data, assignments


class TerritoryMatchQuery(Serializer):
    country = CountryField()
    postcode = serializers.RegexField(r"^[A-Za-z0-9 -]{1,16}$", required=False)


class TerritoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The tenant's territories: a flat list, each naming its parent."""

    model = Territory
    serializer_class = TerritorySerializer
    permission_classes = [predicate_permission(can_manage_territories, read=is_vendor_staff)]
    filterset_fields = ["parent"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self):
        return selectors.territory_list().order_by("name")

    def perform_create(self, serializer):
        fields, assignments = _service_arguments(serializer.validated_data)
        territory = services.territory_create(actor_membership=self.membership, **fields)
        self._save(serializer, territory, assignments)

    def perform_update(self, serializer):
        fields, assignments = _service_arguments(serializer.validated_data)
        territory = services.territory_update(actor_membership=self.membership, territory=serializer.instance, **fields)
        self._save(serializer, territory, assignments)

    def _save(self, serializer, territory, assignments):
        if assignments:
            services.territory_set_assignments(actor_membership=self.membership, territory=territory, **assignments)
        serializer.instance = self.scoped_queryset().get(pk=territory.pk)

    def perform_destroy(self, instance):
        services.territory_delete(actor_membership=self.membership, territory=instance)

    @extend_schema(
        parameters=[TerritoryMatchQuery],
        responses=TerritorySerializer(many=True),
        summary="The territories holding an address: the most specific first, then its ancestors",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def match(self, request):
        query = TerritoryMatchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.territories_for(query.validated_data["country"], query.validated_data.get("postcode"))
        return Response(TerritorySerializer(found, many=True).data)


class TerritoryLimitSerializer(ModelSerializer):
    membership = ScopedRelatedField(Membership, filter=STAFF)

    class Meta:
        model = TerritoryLimit
        fields = ["id", "membership", "created_at"]
        read_only_fields = ["id", "created_at"]


class TerritoryLimitViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    """Staff members limited to the partner organisations of their territories (create one to limit, delete it to
    lift the limit)."""

    model = TerritoryLimit
    serializer_class = TerritoryLimitSerializer
    permission_classes = [predicate_permission(can_manage_territories, read=is_vendor_staff)]
    filterset_fields = ["membership"]

    def scoped_queryset(self):
        return selectors.territory_limits()

    def perform_create(self, serializer):
        serializer.instance = services.territory_limit_create(
            actor_membership=self.membership, membership=serializer.validated_data["membership"]
        )

    def perform_destroy(self, instance):
        services.territory_limit_delete(actor_membership=self.membership, limit=instance)
