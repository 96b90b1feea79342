"""The partner-payment ledger's read-only API: postings, balances and a partner's statement for a period.

Vendor staff see every partner's accounts (within their territories when limited), a partner its own
organisation's (prm.ledger.selectors)."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from prm.accounts.permissions import is_partner
from prm.api import filters
from prm.api.schema import ErrorSerializer
from prm.api.serializers import ModelSerializer, Serializer
from prm.api.views import TenantViewSet
from prm.ledger import selectors
from prm.ledger.models import AMOUNT, BALANCE_BUCKETS, Balance, Kind, Posting
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import partner_orgs_in_scope

BUCKET_CHOICES = [(b.value, b.label) for b in BALANCE_BUCKETS]


class PostingSerializer(ModelSerializer):
    class Meta:
        model = Posting
        fields = [
            "id",
            "partner_org",
            "kind",
            "currency",
            "from_bucket",
            "to_bucket",
            "amount",
            "reporting_currency",
            "reporting_amount",
            "fx_rate",
            "fx_rate_valid_from",
            "source_module",
            "source_type",
            "source_id",
            "transfer",
            "revision",
            "business_date",
            "payment_reference",
            "reason",
            "actor_label",
            "created_at",
        ]
        read_only_fields = fields


class PostingFilter(filters.FilterSet):
    """The query parameters of the postings list (selectors.filter_postings)."""

    partner_org = filters.UUIDFilter(field_name="partner_org")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    currency = django_filters.CharFilter()
    bucket = django_filters.ChoiceFilter(choices=BUCKET_CHOICES, help_text="Postings into or out of this bucket.")
    date_from = filters.DateFilter(field_name="business_date", help_text="Business date from (included).")
    date_to = filters.DateFilter(field_name="business_date", help_text="Business date until (included).")
    source_module = django_filters.CharFilter()
    source_type = django_filters.CharFilter()
    source_id = django_filters.CharFilter()

    class Meta:
        model = Posting
        fields = [
            "partner_org",
            "kind",
            "currency",
            "bucket",
            "date_from",
            "date_to",
            "source_module",
            "source_type",
            "source_id",
        ]

    def filter_queryset(self, queryset):
        given = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        return selectors.filter_postings(queryset, **given)


class PostingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Ledger postings (append-only transfers between the buckets of a partner account), newest first."""

    model = Posting
    serializer_class = PostingSerializer
    filterset_class = PostingFilter

    def scoped_queryset(self):
        return selectors.visible_postings(self.membership)


class BalanceSerializer(ModelSerializer):
    class Meta:
        model = Balance
        fields = ["id", "partner_org", "kind", "currency", "bucket", "amount", "updated_at"]
        read_only_fields = fields


class BalanceViewSet(mixins.ListModelMixin, TenantViewSet):
    """What each bucket of each partner account holds now (accrued, approved, paid)."""

    model = Balance
    serializer_class = BalanceSerializer
    filterset_fields = ["partner_org", "kind", "currency", "bucket"]

    def scoped_queryset(self):
        return selectors.visible_balances(self.membership)


class StatementQuerySerializer(Serializer):
    partner_org = serializers.UUIDField(
        required=False, help_text="The partner organisation (vendor staff: required; a partner: its own)."
    )
    date_from = serializers.DateField(help_text="First business date of the period.")
    date_to = serializers.DateField(help_text="Last business date of the period (included).")


def _amount_field():
    return serializers.DecimalField(**AMOUNT)


def _per_bucket(name):
    return serializers.DictField(child=_amount_field(), help_text=f"{name} per bucket (accrued, approved, paid).")


class StatementLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    currency = serializers.CharField()
    opening = _per_bucket("Balance before the period")
    moved_in = _per_bucket("Moved in during the period")
    moved_out = _per_bucket("Moved out during the period")
    closing = _per_bucket("Balance at the end of the period")


class StatementSerializer(serializers.Serializer):
    partner_org = serializers.UUIDField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    reporting_currency = serializers.CharField()
    lines = StatementLineSerializer(many=True, help_text="One per account (kind, currency).")
    reporting_totals = _per_bucket("The period's net movement in the reporting currency")
    postings = PostingSerializer(many=True, help_text="The period's postings, oldest first.")


class StatementView(APIView):
    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses={
            200: StatementSerializer,
            422: OpenApiResponse(
                ErrorSerializer,
                description="`partner_org_required` (vendor staff), `unprocessable` (an unknown partner "
                "organisation), `invalid_period` (date_from after date_to).",
            ),
        },
        summary="A partner's statement for a period: per account and bucket opening, movements and closing",
    )
    def get(self, request):
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        membership = request._request.membership
        partner_org = _statement_partner(membership, query.validated_data.get("partner_org"))
        date_from, date_to = query.validated_data["date_from"], query.validated_data["date_to"]
        if date_from > date_to:
            raise DomainError(_("date_from is after date_to."), code="invalid_period")
        statement = selectors.partner_statement(
            membership, partner_org=partner_org, date_from=date_from, date_to=date_to
        )
        body = {
            "partner_org": partner_org.pk,
            "date_from": date_from,
            "date_to": date_to,
            "reporting_currency": require_current_tenant().reporting_currency,
            **statement,
            "lines": [vars(line) for line in statement["lines"]],
        }
        return Response(StatementSerializer(body).data)


def _statement_partner(membership, partner_org_id):
    """The partner organisation a statement is for: a partner's own; for vendor staff the one asked for, within
    their territories."""
    if partner_org_id is None:
        if is_partner(membership):
            return membership.partner_org
        raise DomainError(_("Name the partner organisation (partner_org)."), code="partner_org_required")
    partner_org = partner_orgs_in_scope(membership).filter(pk=partner_org_id).first()
    if partner_org is None:
        raise serializers.ValidationError({"partner_org": [_("No such partner organisation.")]}, code="does_not_exist")
    return partner_org
