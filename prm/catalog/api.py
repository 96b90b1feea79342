from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.accounts.permissions import can_manage_catalog, can_read_catalogue, is_vendor_staff
from prm.api.fields import CurrencyField, ScopedRelatedField
from prm.api.permissions import predicate_permission
from prm.api.serializers import ModelSerializer
from prm.api.views import TenantViewSet
from prm.catalog import selectors, services
from prm.catalog.forms import SEARCH_MAX_LENGTH
from prm.catalog.models import Price, PriceList, Product


class ProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "family", "active", "created_at"]
        read_only_fields = ["id", "created_at"]


class PriceSerializer(ModelSerializer):
    price_list = ScopedRelatedField(PriceList)
    currency = serializers.CharField(source="price_list.currency", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)

    class Meta:
        model = Price
        fields = ["id", "price_list", "currency", "amount", "valid_from", "created_at"]
        read_only_fields = ["id", "currency", "created_at"]


class ProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, TenantViewSet
):
    """The vendor's products: vendor staff read every product, partners the active ones; vendor admins write.
    The price history is vendor staff's only."""

    model = Product
    serializer_class = ProductSerializer
    permission_classes = [predicate_permission(can_manage_catalog, read=can_read_catalogue)]
    filterset_fields = ["family", "active"]
    search_fields = ["sku", "name"]
    search_max_length = SEARCH_MAX_LENGTH
    ordering_fields = ["sku", "name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self):
        return selectors.visible_products(self.membership)

    def perform_create(self, serializer):
        serializer.instance = services.product_create(actor_membership=self.membership, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.product_update(
            product=serializer.instance, actor_membership=self.membership, **serializer.validated_data
        )

    @extend_schema(methods=["get"], responses=PriceSerializer(many=True), summary="The product's price history")
    @extend_schema(
        methods=["post"], request=PriceSerializer, responses={201: PriceSerializer}, summary="Add a dated price"
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        permission_classes=[predicate_permission(can_manage_catalog, read=is_vendor_staff)],
    )
    def prices(self, request, pk=None):
        product = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.price_history(product))
            return self.get_paginated_response(PriceSerializer(page, many=True).data)
        body = PriceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        price = services.price_set(actor_membership=self.membership, product=product, **body.validated_data)
        return Response(PriceSerializer(price).data, status=status.HTTP_201_CREATED)


class PriceListSerializer(ModelSerializer):
    currency = CurrencyField()

    class Meta:
        model = PriceList
        fields = ["id", "name", "currency", "created_at"]
        read_only_fields = ["id", "created_at"]


class PriceListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    model = PriceList
    serializer_class = PriceListSerializer
    permission_classes = [predicate_permission(can_manage_catalog, read=is_vendor_staff)]
    filterset_fields = ["currency"]

    def scoped_queryset(self):
        return selectors.price_lists()

    def perform_create(self, serializer):
        serializer.instance = services.price_list_create(actor_membership=self.membership, **serializer.validated_data)
