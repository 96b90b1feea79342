"""The tenant's fiscal calendar through the API: read by every member, changed by vendor admins."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from prm.accounts.permissions import can_configure_tenant, is_member
from prm.api.fields import CountryField
from prm.api.permissions import predicate_permission
from prm.api.serializers import Serializer
from prm.fiscal import MONTH, QUARTER, YEAR, current_quarter, fiscal_period, tenant_today
from prm.tenancy.services import tenant_update_fiscal_calendar


class FiscalPeriodSerializer(Serializer):
    label = serializers.CharField(help_text="FY2027, FY2027 Q1 or FY2027 M01 (the fiscal month).")
    fiscal_year = serializers.IntegerField(help_text="The calendar year the fiscal year ends in.")
    quarter = serializers.IntegerField(allow_null=True, help_text="1–4; null for a year.")
    month = serializers.IntegerField(allow_null=True, help_text="The fiscal month 1–12; null for a quarter or year.")
    start = serializers.DateField()
    end = serializers.DateField(help_text="The last day (included).")


class FiscalCalendarSerializer(Serializer):
    country = CountryField(help_text="ISO 3166-1 alpha-2: whose public holidays business days skip.")
    fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12)
    current_quarter = FiscalPeriodSerializer(read_only=True)


class FiscalCalendarChangeSerializer(Serializer):
    country = CountryField(required=False)
    fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12, required=False)


class PeriodsQuerySerializer(Serializer):
    date = serializers.DateField(required=False, help_text="Default: today where the tenant is.")


class PeriodsSerializer(Serializer):
    date = serializers.DateField()
    year = FiscalPeriodSerializer()
    quarter = FiscalPeriodSerializer()
    month = FiscalPeriodSerializer()


def _calendar(tenant):
    return FiscalCalendarSerializer(
        {
            "country": tenant.country,
            "fiscal_year_start_month": tenant.fiscal_year_start_month,
            "current_quarter": current_quarter(tenant),
        }
    ).data


class FiscalCalendarView(APIView):
    permission_classes = [predicate_permission(can_configure_tenant, read=is_member)]

    @extend_schema(responses=FiscalCalendarSerializer, summary="The tenant's country and fiscal year")
    def get(self, request):
        return Response(_calendar(request._request.tenant))

    @extend_schema(
        request=FiscalCalendarChangeSerializer,
        responses=FiscalCalendarSerializer,
        summary="Change the country or the month the fiscal year starts in (vendor admins)",
    )
    def patch(self, request):
        body = FiscalCalendarChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = tenant_update_fiscal_calendar(
            tenant=request._request.tenant, actor_membership=request._request.membership, **body.validated_data
        )
        return Response(_calendar(tenant))


class FiscalPeriodsView(APIView):
    permission_classes = [predicate_permission(is_member)]

    @extend_schema(
        parameters=[PeriodsQuerySerializer],
        responses=PeriodsSerializer,
        summary="The fiscal year, quarter and month holding a date",
    )
    def get(self, request):
        query = PeriodsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tenant = request._request.tenant
        day = query.validated_data.get("date") or tenant_today(tenant)
        periods = {kind: fiscal_period(day, tenant=tenant, kind=kind) for kind in (YEAR, QUARTER, MONTH)}
        return Response(PeriodsSerializer({"date": day, **periods}).data)
