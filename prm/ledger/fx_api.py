"""`/api/v1/fx-rates/`: the tenant's FX rates (vendor staff read; vendor admins add), many at once as JSON or a
CSV file with a result per rate, and `convert/` — an amount at the rate of a date."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from prm.accounts.permissions import can_manage_fx_rates, is_vendor_staff
from prm.api import filters
from prm.api.fields import CURRENCY_CHOICES, CurrencyField
from prm.api.idempotency import idempotent
from prm.api.permissions import predicate_permission
from prm.api.schema import ErrorSerializer
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet
from prm.ledger import fx_selectors, fx_services
from prm.ledger.fx import convert
from prm.ledger.models import FxRate
from prm.money import quantize_money

RATE = FxRate._meta.get_field("rate")
RESULT_STATUSES = [("accepted", "accepted"), ("rejected", "rejected")]  # named in ENUM_NAME_OVERRIDES


def rate_field():
    return serializers.DecimalField(
        max_digits=RATE.max_digits,
        decimal_places=RATE.decimal_places,
        min_value=0,
        help_text="What 1 unit of base_currency is worth in quote_currency (greater than 0).",
    )


class FxRateSerializer(ModelSerializer):
    base_currency = CurrencyField()
    quote_currency = CurrencyField()
    rate = rate_field()

    class Meta:
        model = FxRate
        fields = ["id", "base_currency", "quote_currency", "rate", "valid_from", "source", "created_at"]
        read_only_fields = ["id", "source", "created_at"]


class FxRatesBulkSerializer(Serializer):
    rates = FxRateSerializer(many=True, allow_empty=False, max_length=fx_services.MAX_RATES)


class FxRatesUploadSerializer(Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # an empty file is refused by its content (422)
        help_text="CSV with the header base_currency,quote_currency,rate,valid_from (dates YYYY-MM-DD).",
    )


def _batch_result(name, number_field):
    item = inline_serializer(
        f"{name}Item",
        {
            number_field: serializers.IntegerField(),
            "status": serializers.ChoiceField(RESULT_STATUSES),
            "id": serializers.UUIDField(allow_null=True, help_text="The rate created (null when rejected)."),
            "code": serializers.CharField(allow_null=True, help_text="Why it was rejected (null when accepted)."),
            "detail": serializers.CharField(allow_null=True),
        },
    )
    return inline_serializer(
        name,
        {
            "accepted": serializers.IntegerField(),
            "rejected": serializers.IntegerField(),
            "results": serializers.ListField(child=item),
        },
    )


def _batch_answer(result, number_field):
    return Response(
        {
            "accepted": result.accepted,
            "rejected": result.rejected,
            "results": [
                {
                    number_field: line.number,
                    "status": "accepted" if line.accepted else "rejected",
                    "id": line.fx_rate.pk if line.accepted else None,
                    "code": line.code or None,
                    "detail": line.reason or None,
                }
                for line in result.lines
            ],
        }
    )


class ConvertQuerySerializer(Serializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=4)
    currency = CurrencyField()
    to = CurrencyField(required=False, help_text="Default: the tenant's reporting currency.")
    on = serializers.DateField(required=False, help_text="The date of the rate (default: today).")


class ConversionSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text="The amount asked for, in `currency`.")
    currency = serializers.CharField()
    to = serializers.CharField()
    converted_amount = serializers.CharField(help_text="In `to`, rounded to its decimals.")
    rate = serializers.CharField(help_text="What 1 `currency` is worth in `to` (1 for the same currency).")
    rate_valid_from = serializers.DateField(allow_null=True, help_text="The first day of the rate used.")


class FxRateFilter(filters.FilterSet):
    base = django_filters.ChoiceFilter(field_name="base_currency", choices=CURRENCY_CHOICES)
    quote = django_filters.ChoiceFilter(field_name="quote_currency", choices=CURRENCY_CHOICES)
    date_from = filters.DateFilter(field_name="valid_from", lookup_expr="gte", help_text="valid_from on or after")
    date_to = filters.DateFilter(field_name="valid_from", lookup_expr="lte", help_text="valid_from on or before")

    class Meta:
        model = FxRate
        fields = ["base", "quote", "date_from", "date_to"]


class FxRateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The tenant's dated FX rates. Rates are never changed: a correction is a new rate from a later date."""

    model = FxRate
    serializer_class = FxRateSerializer
    permission_classes = [predicate_permission(can_manage_fx_rates, read=is_vendor_staff)]
    filterset_class = FxRateFilter
    ordering_fields = ["valid_from", "base_currency", "quote_currency", "created_at"]

    def scoped_queryset(self):
        return fx_selectors.fx_rate_list()

    @idempotent(body=FxRateSerializer)
    @extend_schema(request=FxRateSerializer, responses={201: FxRateSerializer}, summary="Add a rate")
    def create(self, request):
        body = FxRateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fx_rate = fx_services.fx_rate_create(
            actor_membership=self.membership, source=fx_services.Source.API, **body.validated_data
        )
        return Response(FxRateSerializer(fx_rate).data, status=status.HTTP_201_CREATED)

    @idempotent(body=FxRatesBulkSerializer)
    @extend_schema(
        request=FxRatesBulkSerializer,
        responses={200: _batch_result("FxRatesBulkResult", "index")},
        summary="Add many rates: a result per rate (`index` in `rates`)",
    )
    @action(detail=False, methods=["post"], url_path="bulk", filter_backends=[], pagination_class=None)
    def bulk(self, request):
        body = FxRatesBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = [fx_services.RateLine(number=index, **rate) for index, rate in enumerate(body.validated_data["rates"])]
        result = fx_services.fx_rates_create_many(
            actor_membership=self.membership, lines=lines, source=fx_services.Source.API
        )
        return _batch_answer(result, "index")

    @idempotent(body=FxRatesUploadSerializer)
    @extend_schema(
        request={"multipart/form-data": FxRatesUploadSerializer},
        responses={200: _batch_result("FxRatesUploadResult", "line")},
        summary="Upload a CSV file of rates: a result per line (`line` in the file)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="upload",
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def upload(self, request):
        body = FxRatesUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = fx_services.fx_rates_import_csv(actor_membership=self.membership, upload=body.validated_data["file"])
        return _batch_answer(result, "line")

    @extend_schema(
        parameters=[ConvertQuerySerializer],
        responses={
            200: ConversionSerializer,
            422: OpenApiResponse(
                ErrorSerializer, description="`missing_fx_rate`: no rate of the pair (either way) on that date."
            ),
        },
        summary="An amount in another currency at the rate of a date",
    )
    @action(detail=False, methods=["get"], url_path="convert", filter_backends=[], pagination_class=None)
    def convert(self, request):
        query = ConvertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        conversion = convert(
            given["amount"], given["currency"], to=given.get("to"), on=given.get("on") or timezone.localdate()
        )
        return Response(
            ConversionSerializer(
                {
                    "amount": str(given["amount"]),
                    "currency": given["currency"],
                    "to": conversion.currency,
                    "converted_amount": str(quantize_money(conversion.amount, conversion.currency)),
                    "rate": str(conversion.rate),
                    "rate_valid_from": conversion.rate_valid_from,
                }
            ).data
        )
