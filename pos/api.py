import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pos import selectors
from pos.models import ColumnMapping, DateFormat, DecimalSeparator, Field, PosImport, PosLine
from pos.services.exports import rejects_table
from pos.services.imports import (
    API_MAX_LINES,
    column_mapping_save,
    pos_import_create,
    pos_import_delete,
    pos_lines_submit,
)
from pos.services.mappings import column_mapping_delete, column_mapping_update
from prm.accounts.models import PartnerOrg
from prm.api import filters
from prm.api.fields import CurrencyField, ScopedRelatedField
from prm.api.idempotency import idempotent
from prm.api.schema import ErrorSerializer
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet
from prm.exports import streaming_csv_response
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant
from prm.validators import NUL, no_control_characters, text_pattern


class PosImportSerializer(ModelSerializer):
    file_name = serializers.CharField(
        source="file.original_name",
        default=None,
        read_only=True,
        allow_null=True,
        help_text="null for lines sent as JSON.",
    )
    progress = serializers.SerializerMethodField()
    first_sale_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The report's period: its accepted lines' first invoice date."
    )
    last_sale_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="Its accepted lines' last invoice date (null: none accepted)."
    )

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
            "first_sale_date",
            "last_sale_date",
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


class PosImportUploadSerializer(Serializer):
    file = serializers.FileField(allow_empty_file=True)  # an empty file is refused by its content (422)
    partner = ScopedRelatedField(
        PartnerOrg, required=False, help_text="The partner whose sales these are (vendor staff only)."
    )
    mapping = ScopedRelatedField(
        ColumnMapping,
        required=False,
        help_text="A saved column template; by default the partner's template for the header.",
    )


class PosImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Sales-out report imports. Upload a CSV/XLSX file; it is loaded by a worker — poll the job."""

    model = PosImport
    serializer_class = PosImportSerializer
    filterset_fields = ["partner_org", "status", "source"]
    parser_classes = [MultiPartParser]

    def scoped_queryset(self):
        return selectors.visible_imports(self.membership)

    @idempotent(body=PosImportUploadSerializer)
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

    @extend_schema(
        responses={204: None},
        summary="Delete a file waiting for a mapping (409 not_waiting_for_mapping for a job in another state)",
    )
    def destroy(self, request, pk=None):
        pos_import_delete(actor_membership=self.membership, pos_import=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PosRejectsView(APIView):
    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="The rejected lines of an import: original line number, reason, original values",
    )
    def get(self, request, pk):
        pos_import = get_object_or_404(selectors.visible_imports(request._request.membership), pk=pk)
        header, rows = rejects_table(pos_import)
        return streaming_csv_response(f"rejects-{pos_import.pk}.csv", header, rows)


class PosLineFilter(filters.FilterSet):
    """The query parameters (parsed and documented here) of the lines page's filters (selectors.filter_lines)."""

    partner = filters.UUIDFilter(field_name="partner_org")
    product = filters.UUIDFilter(field_name="product")
    sku = django_filters.CharFilter(field_name="product__sku", lookup_expr="iexact")
    date_from = filters.DateFilter(field_name="invoice_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="invoice_date", lookup_expr="lte")
    country = django_filters.CharFilter(field_name="end_customer_country")

    class Meta:
        model = PosLine
        fields = ["partner", "product", "sku", "date_from", "date_to", "country"]

    def filter_queryset(self, queryset):
        given = self.form.cleaned_data
        if given.get("date_from") and given.get("date_to") and given["date_from"] > given["date_to"]:
            raise DomainError(_("date_from is after date_to."), code="invalid_period")
        return selectors.filter_lines(queryset, **self.selected())

    def selected(self):
        """The filters given, as selectors.filter_lines names them (those left empty out)."""
        return {
            "partner_org" if name == "partner" else name: value
            for name, value in self.form.cleaned_data.items()
            if value
        }


class PosLineOrdering(filters.OrderingFilter):
    """`?ordering=` by the lines page's sort keys (selectors.LINE_SORTS), ties by id; newest loaded first without."""

    def filter_queryset(self, request, queryset, view):
        return selectors.order_lines(queryset, self.get_ordering(request, queryset, view) or [])


class PosLineSerializer(ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    value = serializers.DecimalField(
        max_digits=24, decimal_places=4, read_only=True, help_text="quantity × unit_price, in the line's currency."
    )

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
            "value",
            "currency",
            "end_customer_name",
            "end_customer_country",
            "end_customer_domain",
            "end_customer_postcode",
            "reseller_name",
            "created_at",
        ]
        read_only_fields = fields


CELL_SCHEMA = {
    "oneOf": [{"type": "string", "pattern": text_pattern(refused=NUL, visible_required=False)}, {"type": "number"}],
    "nullable": True,
}


@extend_schema_field(CELL_SCHEMA)
class CellField(serializers.Field):
    """A value of a sales line as a file's cell would hold it, text or a number. Its content is checked line by
    line by the import pipeline (a bad value rejects that line with a reason, as in a file)."""

    default_error_messages = {
        "invalid": _("Send text or a number."),
        "null_characters_not_allowed": _("NUL is not text."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters_not_allowed")
        return data

    def to_representation(self, value):
        return value


PosLineInputSerializer = type(
    "PosLineInputSerializer",
    (Serializer,),
    {
        "__doc__": "A sales line: invoice_number, invoice_date (YYYY-MM-DD), sku, quantity, unit_price, currency, "
        "end_customer_name and end_customer_country are needed for it to be accepted (a line without one is "
        "rejected with a reason); invoice_line, end_customer_domain, end_customer_postcode, reseller_name are "
        "optional.",
        **{field: CellField(required=False, allow_null=True) for field in Field.values},
    },
)


class PosLinesSubmitSerializer(Serializer):
    partner = ScopedRelatedField(PartnerOrg, required=False, allow_null=True)
    lines = PosLineInputSerializer(many=True, allow_empty=False, max_length=API_MAX_LINES)


@extend_schema_view(
    list=extend_schema(
        responses={
            200: PosLineSerializer(many=True),
            422: OpenApiResponse(ErrorSerializer, description="`invalid_period` (date_from after date_to)."),
        },
        summary="Validated lines, the most recently loaded first unless `ordering` says otherwise (ties by id)",
    )
)
class PosLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Validated sales-out lines. POST sends lines as JSON: same validation as files, a result per line."""

    model = PosLine
    serializer_class = PosLineSerializer
    filterset_class = PosLineFilter
    filter_backends = [filters.FilterBackend, PosLineOrdering]
    ordering_fields = list(selectors.LINE_SORTS)

    def scoped_queryset(self):
        return selectors.visible_lines(self.membership)

    def row_count(self, lines):
        """The filtered lines' count for the pagination (prm.api.pagination): the rollup's when it can answer."""
        filterset = self.filterset_class(self.request.query_params, queryset=lines, request=self.request)
        filterset.is_valid()  # already checked by the filter backend
        return selectors.line_count(self.membership, lines, filterset.selected())

    @idempotent(body=PosLinesSubmitSerializer)
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


class ColumnMappingSerializer(ModelSerializer):
    class Meta:
        model = ColumnMapping
        fields = [
            "id",
            "partner_org",
            "name",
            "header",
            "columns",
            "date_format",
            "decimal_separator",
            "default_currency",
            "created_at",
        ]
        read_only_fields = fields


COLUMNS_HELP = "{field: column number, counted from 0 in the file's header}; fields: " + ", ".join(Field.values)


ColumnsSerializer = type(
    "ColumnsSerializer",
    (Serializer,),
    {
        "__doc__": "The file's column (counted from 0 in its header) that holds each field.",
        **{field: serializers.IntegerField(min_value=0, required=False) for field in Field.values},
    },
)


class ColumnMappingChangeSerializer(Serializer):
    name = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=100, validators=[no_control_characters]
    )
    columns = ColumnsSerializer(required=False, help_text=COLUMNS_HELP)
    date_format = serializers.ChoiceField(DateFormat.choices, required=False)
    decimal_separator = serializers.ChoiceField(DecimalSeparator.choices, required=False)
    default_currency = CurrencyField(
        required=False, allow_blank=True, help_text="ISO 4217 code for lines of a file that has no currency column."
    )


class VisibleImportField(ScopedRelatedField):
    """A job the requesting member sees: another organisation's job is "does not exist", as on its pages."""

    def get_queryset(self):
        return selectors.visible_imports(self.context["membership"])


class ColumnMappingCreateSerializer(ColumnMappingChangeSerializer):
    pos_import = VisibleImportField(PosImport, help_text="A job waiting for a mapping (status needs_mapping).")
    name = serializers.CharField(
        default="",
        allow_blank=True,
        help_text="By default “<partner> template”.",
        trim_whitespace=False,
        max_length=100,
        validators=[no_control_characters],
    )
    columns = ColumnsSerializer(help_text=COLUMNS_HELP)
    date_format = serializers.ChoiceField(DateFormat.choices, default=DateFormat.ISO)
    decimal_separator = serializers.ChoiceField(DecimalSeparator.choices, default=DecimalSeparator.POINT)


class ColumnMappingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """A partner's saved column templates. POST maps a job waiting for a mapping (the template is saved for the
    partner's files with that header and the job is queued); PATCH renames or changes one; DELETE removes it."""

    model = ColumnMapping
    serializer_class = ColumnMappingSerializer
    filterset_fields = ["partner_org"]

    def scoped_queryset(self):
        return selectors.visible_mappings(self.membership)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context={"membership": self.membership})
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(
        request=ColumnMappingCreateSerializer,
        responses={201: ColumnMappingSerializer},
        summary="Map a job waiting for a mapping: saves the partner's template for its header, queues the job",
    )
    def create(self, request):
        body = self._body(ColumnMappingCreateSerializer)
        mapping = column_mapping_save(actor_membership=self.membership, **body)
        return Response(ColumnMappingSerializer(mapping).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ColumnMappingChangeSerializer,
        responses=ColumnMappingSerializer,
        summary="Rename a template or change its settings (409 mapping_in_use while a file loads with it)",
    )
    def partial_update(self, request, pk=None):
        body = self._body(ColumnMappingChangeSerializer)
        mapping = column_mapping_update(actor_membership=self.membership, mapping=self.get_object(), **body)
        return Response(ColumnMappingSerializer(mapping).data)

    @extend_schema(responses={204: None}, summary="Delete a template (409 mapping_in_use while a file loads with it)")
    def destroy(self, request, pk=None):
        column_mapping_delete(actor_membership=self.membership, mapping=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SalesSummaryQuerySerializer(Serializer):
    partner_org = serializers.UUIDField(required=False, help_text="One partner organisation (a partner: its own).")
    date_from = serializers.DateField(required=False, help_text="From the invoice month holding this date.")
    date_to = serializers.DateField(required=False, help_text="To the invoice month holding this date (included).")
    group_by = serializers.ChoiceField(choices=list(selectors.SUMMARY_GROUPS), default="month")


class SalesSummaryRowSerializer(serializers.Serializer):
    month = serializers.DateField(allow_null=True, help_text="The invoice month's first day (group_by=month).")
    product = serializers.UUIDField(allow_null=True, help_text="group_by=product.")
    sku = serializers.CharField(allow_null=True, help_text="group_by=product.")
    units = serializers.IntegerField(help_text="Units sold, returns deducted.")
    amount = serializers.DecimalField(
        max_digits=24, decimal_places=4, help_text="In the reporting currency; lines without an FX rate left out."
    )
    lines = serializers.IntegerField()
    lines_without_fx_rate = serializers.IntegerField(help_text="Lines whose amount is not in `amount`.")


class SalesSummarySerializer(serializers.Serializer):
    reporting_currency = serializers.CharField()
    group_by = serializers.CharField()
    rows = SalesSummaryRowSerializer(many=True)


class SalesSummaryView(APIView):
    """Validated sales from POS's sales rollup, by invoice month or product (a partner sees its own)."""

    @extend_schema(
        parameters=[SalesSummaryQuerySerializer],
        responses={
            200: SalesSummarySerializer,
            422: OpenApiResponse(
                ErrorSerializer,
                description="`unprocessable` (an unknown partner organisation), `invalid_period` (date_from after "
                "date_to).",
            ),
        },
        summary="Validated sales in the reporting currency per invoice month or product (whole months)",
    )
    def get(self, request):
        query = SalesSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        membership = request._request.membership
        if given.get("date_from") and given.get("date_to") and given["date_from"] > given["date_to"]:
            raise DomainError(_("date_from is after date_to."), code="invalid_period")
        partner_org = None
        if "partner_org" in given:
            partner_org = selectors.sales_partner(membership, given["partner_org"])
            if partner_org is None:
                raise serializers.ValidationError(
                    {"partner_org": [_("No such partner organisation.")]}, code="does_not_exist"
                )
        rows = selectors.sales_summary(
            membership,
            group_by=given["group_by"],
            partner_org=partner_org,
            date_from=given.get("date_from"),
            date_to=given.get("date_to"),
        )
        body = {
            "reporting_currency": require_current_tenant().reporting_currency,
            "group_by": given["group_by"],
            "rows": [
                {"month": None, "product": row.get("product_id"), "sku": row.get("product__sku"), **row} for row in rows
            ],
        }
        return Response(SalesSummarySerializer(body).data)
