"""Query parameters checked as the schema states them (docs/api.md, "Filtering").

django-filter and DRF ignore a filter value they cannot read (`?is_active=maybe`, `?actor=`, `?ordering=nope`)
and answer the unfiltered list, which a client cannot tell from a real answer. Here a given parameter must be a
valid value of its documented type — otherwise 400 with the parameter named — and a related id filters by id
(an unknown one matches nothing, as another tenant's does) instead of answering "not a valid choice".
Every API view uses these through DEFAULT_FILTER_BACKENDS; a module's own FilterSet subclasses `FilterSet`.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from prm.validators import ISO_DATE, NUL, UUID, text_pattern


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise DjangoValidationError(_("Use true or false."), code="invalid")


class StrictDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        if value not in self.empty_values and not ISO_DATE.fullmatch(str(value)):
            raise DjangoValidationError(_("Use a date as YYYY-MM-DD."), code="invalid")
        return super().to_python(value)


class StrictUUIDField(forms.UUIDField):
    def to_python(self, value):
        if value not in self.empty_values and not UUID.fullmatch(str(value)):
            raise DjangoValidationError(_("Use a UUID as 8-4-4-4-12 hexadecimal digits."), code="invalid")
        return super().to_python(value)


class UUIDFilter(django_filters.UUIDFilter):
    field_class = StrictUUIDField


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class DateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class FilterSet(django_filters.FilterSet):
    """Base of every API filter set: booleans are `true`/`false`, dates ISO, UUIDs hyphenated, foreign keys filter
    by id, and a parameter given empty or blank (`?partner_org=`, `?family=%20`) is refused rather than ignored."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
        models.DateField: {"filter_class": DateFilter},
        models.UUIDField: {"filter_class": UUIDFilter},
        models.ForeignKey: {"filter_class": UUIDFilter},
        models.OneToOneField: {"filter_class": UUIDFilter},
    }

    def is_valid(self):
        if self.is_bound:
            for name in self.filters:
                if name in self.data and any(not value.strip() for value in self.data.getlist(name)):
                    self.form.add_error(name, DjangoValidationError(_("Give a value or leave it out."), code="blank"))
        return super().is_valid()


class FilterBackend(DjangoFilterBackend):
    filterset_base = FilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        assert filterset_class is None or issubclass(filterset_class, FilterSet), (
            f"{view.__class__.__name__}.filterset_class must subclass prm.api.filters.FilterSet"
        )
        return filterset_class


class SearchFilter(filters.SearchFilter):
    """`?search=`; a view's `search_max_length` caps it (a longer one is refused with 400, the schema says so)."""

    def filter_queryset(self, request, queryset, view):
        limit = getattr(view, "search_max_length", None)
        given = request.query_params.get(self.search_param, "")
        if limit is not None and len(given) > limit:
            message = _("Search for at most %(limit)d characters (this search has %(length)d).") % {
                "limit": limit,
                "length": len(given),
            }
            raise ValidationError({self.search_param: [message]}, code="max_length")
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        limit = getattr(view, "search_max_length", None)
        for parameter in parameters:
            parameter["schema"]["pattern"] = text_pattern(refused=NUL, visible_required=False)
            if limit is not None:
                parameter["schema"]["maxLength"] = limit
        return parameters


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=name,-created_at`: every term must be a documented field, ascending or descending."""

    def get_ordering(self, request, queryset, view):
        given = request.query_params.get(self.ordering_param)
        if given is None:
            return self.get_default_ordering(view)
        terms = given.split(",")
        allowed = set(self._terms(queryset, view, request))
        unknown = [term for term in terms if term not in allowed]
        if unknown:
            message = _("Not a field to order by: %(terms)s.") % {"terms": ", ".join(unknown)}
            raise ValidationError({self.ordering_param: [message]}, code="invalid_choice")
        return terms

    def _terms(self, queryset, view, request=None):
        fields = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
        return [term for name in fields for term in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        queryset = view.get_queryset()
        for parameter in parameters:
            parameter.update(style="form", explode=False)
            terms = {"type": "string", "enum": self._terms(queryset, view)}
            parameter["schema"] = {"type": "array", "items": terms, "minItems": 1}
        return parameters
