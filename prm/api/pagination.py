import re
from functools import partial

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,8}")


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # Paginator.count is a cached property: no COUNT(*) query


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`, checked as the schema states them: a page or size that is not a whole number in
    range answers 400 (DRF would fall back to the default size); a page beyond the last answers 404."""

    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def check_query(self, request):
        """400 for a page or size the schema refuses (TenantViewSet asks before filtering, so that a request that
        breaks the schema is refused as such before a filter's 422)."""
        self._whole_number(request, self.page_query_param)
        self.get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        """A view with `row_count(queryset)` gives the count from a cheaper source than COUNT(*) (POS's lines: the
        sales rollup's)."""
        self.check_query(request)
        count = getattr(view, "row_count", None)
        self.django_paginator_class = Paginator if count is None else partial(CountedPaginator, count=count(queryset))
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        size = self._whole_number(request, self.page_size_query_param)
        if size is not None and size > self.max_page_size:
            raise ValidationError({self.page_size_query_param: [_("At most %d.") % self.max_page_size]}, "max_value")
        return size or self.page_size

    @staticmethod
    def _whole_number(request, name):
        value = request.query_params.get(name)
        if value is None:
            return None
        if not POSITIVE_INTEGER.fullmatch(value):
            raise ValidationError({name: [_("A whole number from 1.")]}, code="invalid")
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": 999_999_999},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters
