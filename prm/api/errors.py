"""Every API error is JSON: {"code": <machine code>, "detail": <human message>, "errors": {field: [...]}}.

A field check the OpenAPI schema states (a type, a format, a length, an enum, a pattern, a required or unknown
property) answers 400 `invalid`: the request breaks its schema. Any other field check (an unknown referenced id,
a rule between fields, a rule of the serializer's own) answers 422 `unprocessable`: the request matches the
schema and is refused anyway. A DomainError answers its own status (422 unless it says otherwise).
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from prm.files.validation import UploadRejected
from prm.services import DomainError


def _field_errors(detail):
    """`errors` is an object: messages that belong to no field go under `non_field_errors`."""
    flat = _flatten(detail)
    return flat if isinstance(flat, dict) else {"non_field_errors": flat}


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, (dict, list)) else _flatten(item) for item in detail]
    return [str(detail)]


# DRF's and Django's codes for what prm.api.schema writes into the schema, plus the project's own.
SCHEMA_CODES = frozenset(
    {
        "required", "null", "blank", "invalid", "invalid_choice", "max_length", "min_length", "max_value",
        "min_value", "max_digits", "max_decimal_places", "max_whole_digits", "max_string_length", "not_a_list",
        "not_a_dict", "empty", "incorrect_type", "date", "datetime", "parse_error", "null_characters_not_allowed",
        "control_characters", "unknown_field", "wrong_type", "no_name", "invalid_image", "overflow",
    }
)  # fmt: skip


def _leaf_codes(codes):
    if isinstance(codes, dict):
        return {code for value in codes.values() for code in _leaf_codes(value)}
    if isinstance(codes, list):
        return {code for value in codes for code in _leaf_codes(value)}
    return {codes}


# A body that is not an object (or none at all) is refused under non_field_errors with one of these.
BODY_SHAPE_CODES = frozenset({"wrong_type", "null"})


def breaks_schema(exc):
    """Whether a ValidationError is one the schema states (400) rather than a rule beyond it (422)."""
    codes = exc.get_codes()
    if isinstance(codes, dict) and "non_field_errors" in codes:
        return _leaf_codes(codes["non_field_errors"]) <= BODY_SHAPE_CODES
    return bool(_leaf_codes(codes) & SCHEMA_CODES)


def _validation_answer(exc):
    if breaks_schema(exc):
        return status.HTTP_400_BAD_REQUEST, "invalid", "The request has invalid fields."
    return status.HTTP_422_UNPROCESSABLE_ENTITY, "unprocessable", "The request was refused; see its fields."


def exception_handler(exc, context):
    if isinstance(exc, UploadRejected):
        exc = exc.as_domain_error()
    if isinstance(exc, DomainError):
        set_rollback()  # what the view wrote before the refusal is undone (ATOMIC_REQUESTS), as for DRF's errors
        return Response({"code": exc.code, "detail": exc.message}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.APIException("The request body is larger than the limit.", code="too_large")
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(exc, SuspiciousOperation):  # too many form fields or files
        exc = exceptions.ParseError(str(exc) or "The request cannot be read.")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, (PermissionDenied, exceptions.PermissionDenied)):
        # One code for a role refused, whether the view's permission or a service said so.
        detail = getattr(exc, "detail", None)
        exc = exceptions.PermissionDenied(str(detail) if detail else None, code="forbidden")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.status_code, code, detail = _validation_answer(exc)
        response.data = {"code": code, "detail": detail, "errors": _field_errors(exc.detail)}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"code": code if isinstance(code, str) else "error", "detail": str(detail)}
    return response


@csrf_exempt  # it changes nothing: a POST with a session cookie gets this answer too, not the CSRF failure page
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the API's error shape, not with the HTML 404 page."""
    return JsonResponse({"code": "not_found", "detail": "No API endpoint at this address."}, status=404)
