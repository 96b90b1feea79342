import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pos import selectors
from pos.models import ColumnMapping, PosImport, PosLine
from pos.services.exports import rejects_table
from pos.services.imports import pos_import_create, pos_lines_submit
from prm.accounts.models import PartnerOrg
from prm.api.fields import ScopedRelatedField
from prm.api.views import TenantViewSet
from prm.exports import streaming_csv_response


class PosImportSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="file.original_name", default=None, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = PosImport
        fields = [
            "id",
            "partner_org",
            "source",
            "file_name",
            "status",
            "mapping",
            "header",
            "lines_read",
            "lines_accepted",
            "lines_rejected",
            "reject_reasons",
            "error_code",
            "error_message",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> dict:
        return selectors.import_progress(obj)


class PosImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    partner = ScopedRelatedField(
        PartnerOrg, required=False, allow_null=True, help_text="The partner whose sales these are (vendor staff only)."
    )
    mapping = ScopedRelatedField(
        ColumnMapping,
        required=False,
        allow_null=True,
        help_text="A saved column template; by default the partner's template for the header.",
    )


class PosImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Sales-out report imports. Upload a CSV/XLSX file; it is loaded by a worker — poll the job."""

    model = PosImport
    serializer_class = PosImportSerializer
    filterset_fields = ["partner_org", "status", "source"]
    parser_classes = [MultiPartParser, FormParser]

    def scoped_queryset(self):
        return selectors.visible_imports(self.membership)

    @extend_schema(
        request={"multipart/form-data": PosImportUploadSerializer},
        responses={202: PosImportSerializer},
        summary="Upload a sales-out file (202: queued, or "
        "needs_mapping when no template fits its header: map it in the portal or send `mapping`)",
    )
    def create(self, request):
        body = PosImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pos_import = pos_import_create(
            actor_membership=self.membership,
            upload=body.validated_data["file"],
            partner_org=body.validated_data.get("partner"),
            mapping=body.validated_data.get("mapping"),
        )
        return Response(PosImportSerializer(pos_import).data, status=status.HTTP_202_ACCEPTED)


class PosRejectsView(APIView):
    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="The rejected lines of an import: original line number, reason, original values",
    )
    def get(self, request, pk):
        pos_import = get_object_or_404(selectors.visible_imports(request._request.membership), pk=pk)
        header, rows = rejects_table(pos_import)
        return streaming_csv_response(f"rejects-{pos_import.pk}.csv", header, rows)


class PosLineFilter(django_filters.FilterSet):
    """The query parameters (parsed and documented here) of the lines page's filters (selectors.filter_lines)."""

    partner = django_filters.UUIDFilter(field_name="partner_org")
    product = django_filters.UUIDFilter(field_name="product")
    sku = django_filters.CharFilter(field_name="product__sku", lookup_expr="iexact")
    date_from = django_filters.DateFilter(field_name="invoice_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="invoice_date", lookup_expr="lte")
    country = django_filters.CharFilter(field_name="end_customer_country")

    class Meta:
        model = PosLine
        fields = ["partner", "product", "sku", "date_from", "date_to", "country"]

    def filter_queryset(self, queryset):
        given = self.form.cleaned_data
        return selectors.filter_lines(
            queryset,
            partner_org=given.get("partner"),
            product=given.get("product"),
            sku=given.get("sku") or "",
            date_from=given.get("date_from"),
            date_to=given.get("date_to"),
            country=given.get("country") or "",
        )


class PosLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)

    class Meta:
        model = PosLine
        fields = [
            "id",
            "partner_org",
            "pos_import",
            "line_number",
            "invoice_number",
            "invoice_date",
            "product",
            "sku",
            "reported_sku",
            "quantity",
            "unit_price",
            "currency",
            "end_customer_name",
            "end_customer_country",
            "end_customer_domain",
            "end_customer_postcode",
            "reseller_name",
            "created_at",
        ]
        read_only_fields = fields


class PosLinesSubmitSerializer(serializers.Serializer):
    partner = ScopedRelatedField(PartnerOrg, required=False, allow_null=True)
    lines = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=10_000,
        help_text="Objects with invoice_number, invoice_date (YYYY-MM-DD), sku, quantity, unit_price, currency, "
        "end_customer_name, end_customer_country and optionally invoice_line, end_customer_domain, "
        "end_customer_postcode, reseller_name.",
    )


class PosLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Validated sales-out lines. POST sends lines as JSON: same validation as files, a result per line."""

    model = PosLine
    serializer_class = PosLineSerializer
    filterset_class = PosLineFilter

    def scoped_queryset(self):
        return selectors.visible_lines(self.membership)

    @extend_schema(
        request=PosLinesSubmitSerializer,
        responses={
            201: inline_serializer(
                "PosLinesResult",
                {
                    "import": serializers.UUIDField(),
                    "accepted": serializers.IntegerField(),
                    "rejected": serializers.IntegerField(),
                    "results": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        summary="Send sales lines as JSON",
    )
    def create(self, request):
        body = PosLinesSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pos_import, results = pos_lines_submit(
            actor_membership=self.membership,
            lines=body.validated_data["lines"],
            partner_org=body.validated_data.get("partner"),
        )
        return Response(
            {
                "import": pos_import.pk,
                "accepted": pos_import.lines_accepted,
                "rejected": pos_import.lines_rejected,
                "results": results,
            },
            status=status.HTTP_201_CREATED,
        )
