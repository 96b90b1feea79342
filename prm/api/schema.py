"""The OpenAPI schema states what the API accepts and every status it can answer (docs/api.md, "Errors").

`AutoSchema` is the project's drf-spectacular schema class. On top of drf-spectacular's own mapping it
- adds the error answers every operation can give, each with the `Error` component (`ERROR_STATUSES`);
- states the text rules the serializers apply (`text_pattern`): no NUL anywhere, no control characters in
  single-line fields, at least one visible character where a blank is refused (DRF trims before that check);
- closes request objects (`additionalProperties: false`): prm.api.serializers refuses unknown properties.
A module's endpoint gets all of this by being a DRF view; it adds only what is its own (e.g. a 409 on a GET).
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from prm.api.serializers import StrictInputMixin
from prm.validators import (
    CONTROL_CHARACTERS,
    EMAIL_PATTERN,
    NUL,
    decimal_pattern,
    no_control_characters,
    text_pattern,
)

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API."""

    code = serializers.CharField(help_text="Machine-readable reason, e.g. `invalid`, `forbidden`, `duplicate_name`.")
    detail = serializers.CharField(help_text="A message for people.")
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Per field (400 and 422 from field checks): a list of messages, or the nested fields' errors.",
    )


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=description)


ERROR_DESCRIPTIONS = {
    400: "The request breaks its schema (a field, a query parameter or the body); `errors` names each field.",
    401: "No credentials, or a token that is unknown, revoked, or older than its user's last password change.",
    403: "The caller's role may not do this (`forbidden`).",
    404: "No such object for this caller (another tenant's or organisation's is unknown too), or a page "
    "beyond the last.",
    409: "Refused because of the current state: a duplicate of what exists (`duplicate_name`…) or an object not "
    "in the state the action needs (`transition_not_allowed`…).",
    413: "The uploaded file is larger than the limit (`file_too_large`).",
    415: "The body's media type is not one this operation reads (`unsupported_media_type`).",
    422: "A schema-valid request refused by a rule (an unknown referenced id, a business rule, a file's content, "
    "a date order); `code` names the rule.",
    429: "Too many requests for this token (`throttled`); retry after `Retry-After` seconds.",
}


class AutoSchema(openapi.AutoSchema):
    def _error_statuses(self):
        statuses = {401, 403, 429}
        has_body = self._get_request_body() is not None
        if has_body or any(parameter["in"] == "query" for parameter in self._get_parameters()):
            statuses.add(400)
        if "{" in self.path or self._is_list_view():
            statuses.add(404)
        if self.method in UNSAFE_METHODS:
            statuses |= {409, 422}
        if has_body:
            statuses.add(415)
            if any(parser.media_type == "multipart/form-data" for parser in self.view.get_parsers()):
                statuses.add(413)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses()):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    _error(ERROR_DESCRIPTIONS[status]), str(status), direction=direction
                )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before the next request.",
            }
        return headers

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        for field in serializer.fields.values():
            properties = schema["properties"].get(field.field_name)
            if properties is None:
                continue
            if isinstance(field, serializers.EmailField):
                # Not the `email` format: it allows addresses Django refuses (`0@0.a`) and refuses some it takes
                # (a local part over 64 characters). A request states EMAIL_PATTERN instead.
                properties.pop("format", None)
            if direction == "request":
                # After drf-spectacular's own validators mapping, which would wrap a patterned blankable text in
                # a oneOf.
                _state_input_rules(field, properties)
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            schema["additionalProperties"] = False
        return schema

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if _is_plain_text_schema(parameter["schema"]) and parameter["name"] != "search":
                # prm.api.filters refuses a filter given blank; the middleware refuses NUL in any parameter.
                parameter["schema"].update(minLength=1, pattern=text_pattern(refused=NUL, visible_required=True))
        return parameters


def _state_input_rules(field, schema):
    """What DRF checks and drf-spectacular leaves out: text patterns, and the bounds of a list."""
    if isinstance(field, serializers.EmailField) and "pattern" not in schema:
        schema["pattern"] = EMAIL_PATTERN
    if isinstance(field, serializers.CharField) and _is_plain_text_schema(schema):
        schema["pattern"] = text_pattern(
            refused=CONTROL_CHARACTERS if no_control_characters in field.validators else NUL,
            visible_required=not field.allow_blank and field.trim_whitespace,
        )
    if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
        schema["pattern"] = decimal_pattern(field)
    if isinstance(field, (serializers.ListField, serializers.ListSerializer)) and schema.get("type") == "array":
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
        if not field.allow_empty:
            schema["minItems"] = max(1, field.min_length or 0)


def _is_plain_text_schema(schema):
    return schema.get("type") == "string" and not ({"format", "enum", "pattern", "oneOf"} & set(schema))
