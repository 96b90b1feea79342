"""Base classes of every API serializer (one that only renders answers loses nothing by them).

DRF is lenient where the OpenAPI schema (prm.api.schema) is exact; these bases make the server read a JSON body
as its schema states it, so that what the schema calls invalid is refused (400 `invalid`) and not quietly
turned into something else:
- a property the operation does not read is refused rather than dropped;
- a value must have its documented JSON type: DRF would take 5 for a text or a UUID, "true" or 1 for a
  boolean, "5" for an integer — the items of a list too;
- an empty text is not a related id (DRF reads it as null);
- dates, decimals, UUIDs and e-mail addresses have the schema's form;
- a text's length is counted as sent (DRF counts it after trimming, so a value the schema calls too long passed);
- a choice is one of the enum's values, also where DRF skips an empty text (a query parameter, a form field);
- a nested object (an item of a list) has its required properties even in a PATCH: it is sent whole.
Form bodies (multipart uploads) carry only text, so the type rule does not apply to them. The errors carry the
codes `unknown_field`, `wrong_type`, `max_length`, which prm.api.errors counts as schema errors (400).
"""

import re
from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from prm.api.fields import ScopedRelatedField
from prm.validators import EMAIL_PATTERN, ISO_DATE, UUID, decimal_pattern

UNKNOWN_FIELD = _("This operation has no such field.")
NOT_AN_OBJECT = _("Send a JSON object.")
NOT_AS_DOCUMENTED = _("Send it as the schema's format or pattern states.")
NOT_AN_ID = _("Send an id (or null where the field allows it).")
WRONG_TYPE = _("Send a value of the documented type (%(type)s).")

# The JSON types the schema gives each kind of field (the first match in this order).
JSON_TYPES = (
    (serializers.BooleanField, (bool,), "boolean"),
    (serializers.IntegerField, (int,), "integer"),
    (serializers.FloatField, (int, float), "number"),
    (serializers.DecimalField, (str,), "string"),
    (serializers.CharField, (str,), "string"),
    (serializers.MultipleChoiceField, (list,), "array"),
    (serializers.ChoiceField, (str,), "string"),
    (serializers.UUIDField, (str,), "string"),
    (serializers.DateField, (str,), "string"),
    (serializers.DateTimeField, (str,), "string"),
    (serializers.RelatedField, (str,), "string"),
    (serializers.ListField, (list,), "array"),
    (serializers.ListSerializer, (list,), "array"),
    (serializers.DictField, (dict,), "object"),
    (serializers.Serializer, (dict,), "object"),
)


def _has_json_type(field, value):
    """(Whether `value` has the JSON type the schema gives `field`, that type's name.)"""
    for field_class, types, name in JSON_TYPES:
        if isinstance(field, field_class):
            if isinstance(value, bool):
                return bool in types, name
            if name == "integer" and isinstance(value, float):
                return value.is_integer(), name
            return isinstance(value, types), name
    return True, ""


class StrictInputMixin:
    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise ValidationError({"non_field_errors": [ErrorDetail(NOT_AN_OBJECT, code="wrong_type")]})
        errors = self._shape_errors(data)
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:  # every field's error at once, this check's first
            raise ValidationError({**exc.detail, **errors}) from exc
        if errors:
            raise ValidationError(errors)
        return value

    def _shape_errors(self, data):
        writable = {f.field_name: f for f in self._writable_fields if not isinstance(f, serializers.HiddenField)}
        errors = {key: [ErrorDetail(UNKNOWN_FIELD, code="unknown_field")] for key in data if key not in writable}
        typed = not isinstance(data, QueryDict)  # a form body holds text only
        for name, field in writable.items():
            error = None if data.get(name) is None else _value_error(field, data.get(name), typed=typed)
            if error is not None:
                errors[name] = [error]
        if self.root is not self and getattr(self.root, "partial", False):  # a nested object replaces, even in a PATCH
            for name, field in writable.items():
                if field.required and name not in data:
                    errors[name] = [ErrorDetail(field.error_messages["required"], code="required")]
        return errors


def _value_error(field, value, *, typed):
    if isinstance(field, serializers.RelatedField) and value == "":  # DRF would read "" as null
        return ErrorDetail(NOT_AN_ID, code="invalid")
    if isinstance(field, serializers.ChoiceField) and value == "" and not field.allow_blank:  # DRF would skip it
        return ErrorDetail(field.error_messages["invalid_choice"].format(input=value), code="invalid_choice")
    if typed:
        has_type, type_name = _has_json_type(field, value)
        if not has_type:
            return ErrorDetail(WRONG_TYPE % {"type": type_name}, code="wrong_type")
    if isinstance(value, str) and not _has_documented_form(field, value):
        return ErrorDetail(NOT_AS_DOCUMENTED, code="invalid")
    limit = getattr(field, "max_length", None)
    if isinstance(field, serializers.CharField) and limit and isinstance(value, str) and len(value) > limit:
        return ErrorDetail(field.error_messages["max_length"].format(max_length=limit), code="max_length")
    if isinstance(field, serializers.ListField) and isinstance(value, list):  # each item as its schema states
        errors = (_value_error(field.child, item, typed=typed) for item in value if item is not None)
        return next((error for error in errors if error is not None), None)
    return None


def _has_documented_form(field, value):
    """DRF also reads `20240105` or `2024-W01-1` as a date, ` 1e2` as a decimal, a UUID without hyphens: the
    schema's format or pattern does not, so neither does the API."""
    if isinstance(field, serializers.DateField) and not isinstance(field, serializers.DateTimeField):
        return ISO_DATE.fullmatch(value) is not None
    if isinstance(field, serializers.DecimalField):
        return re.fullmatch(decimal_pattern(field).strip("^$"), value) is not None
    if isinstance(field, serializers.EmailField):
        return re.fullmatch(EMAIL_PATTERN.strip("^$"), value) is not None
    if isinstance(field, (serializers.UUIDField, ScopedRelatedField)):
        return UUID.fullmatch(value) is not None
    return True


class Serializer(StrictInputMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    pass
