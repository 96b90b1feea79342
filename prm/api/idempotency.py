"""`Idempotency-Key` for the POSTs an integration retries: `@idempotent` on a viewset action (docs/api.md).

A POST with the header, sent with an API token, runs inside a transaction (the request's, ATOMIC_REQUESTS) that
first tries a transaction-level advisory lock named by the tenant, the token and the key:
- not obtained: a request with this key is running → 409 `idempotency_key_in_use`, nothing changed;
- a stored answer younger than IDEMPOTENCY_KEY_LIFETIME with the same request fingerprint → that answer again
  (status, body, content type, and `Idempotent-Replayed: true`), nothing changed; another fingerprint → 422
  `idempotency_key_reused`;
- else the action runs, and a 2xx answer is stored in the same transaction, so the change and the stored answer
  commit together or not at all. An error answer is not stored: a retry is evaluated again.
A request whose body breaks its schema (`@idempotent(body=<its serializer>)`) is refused as such (400) rather than
with the key's 409 or 422: a retry of a stored request is well-formed, the fault is the request's own.
A key that is not 1–255 visible ASCII characters answers 400 `invalid_idempotency_key` (the schema says so); a
session (browser) request with the header answers 422 `idempotency_key_needs_token`: keys are kept per token.
"""

import functools
import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from prm.accounts.models import ApiToken
from prm.api.errors import breaks_schema
from prm.api.models import IDEMPOTENCY_KEY_LIFETIME, IdempotencyKey
from prm.services import DomainError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[!-~]{1,255}$"  # 1 to 255 visible ASCII characters (a UUID, say)
TRY_LOCK_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 42))"

REFUSALS = {
    400: f"`invalid_idempotency_key`: `{HEADER}` is not 1–255 visible ASCII characters.",
    409: f"`idempotency_key_in_use`: a request with this `{HEADER}` is still running; nothing was changed.",
    422: f"`idempotency_key_reused`: this `{HEADER}` was used in the last 24 hours for another request; "
    f"`idempotency_key_needs_token`: `{HEADER}` sent without an API token.",
}
KEY_PARAMETER = OpenApiParameter(
    HEADER,
    type={"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Makes a retry safe: for 24 hours, the same key with the same request answers the first successful "
    f"answer again (with `{REPLAYED_HEADER}: true`) and changes nothing. Per API token.",
)


REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    type={"type": "string", "enum": ["true"]},
    location=OpenApiParameter.HEADER,
    response=True,
    description="Present on an answer replayed for a retry with the same key.",
)


def lock_name(*, tenant_id, token_id, key):
    """The name of the advisory lock (`hashtextextended(name, 42)`) a request with this key holds while it runs."""
    return f"idempotency:{tenant_id}:{token_id}:{key}"


def idempotent(*, body):
    """Decorate a viewset action to honour `Idempotency-Key`; documents the header and its 400/409/422 refusals
    in the operation's schema. `body` is the serializer of the action's request body: a body that breaks its
    schema is refused as such (400) even when the key is in use or was used for another request."""

    def decorate(action):
        @functools.wraps(action)
        def run(view, request, *args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return action(view, request, *args, **kwargs)
            token = _token(request, key)
            with transaction.atomic():
                try:
                    _lock(token, key)
                    fingerprint = request_fingerprint(request)
                    stored = _stored_answer(token, key)
                    if stored is not None:
                        return _replay(stored, fingerprint)
                except DomainError:
                    _refuse_schema_breach(body, request)
                    raise
                response = view.finalize_response(request, action(view, request, *args, **kwargs), *args, **kwargs)
                if 200 <= response.status_code < 300:
                    _store(token, key, request, fingerprint, response)
                else:
                    transaction.set_rollback(True)  # a refusal the action answered rather than raised changes nothing
                return response

        run.kwargs = {**getattr(action, "kwargs", {}), "schema": _documented(action)}
        return run

    return decorate


def _refuse_schema_breach(body, request):
    """Raise the body's ValidationError when it breaks the schema (a missing body, a wrong type): a retry of a
    stored request is well-formed, so the key's refusal would hide the request's own fault."""
    try:
        body(data=request.data).is_valid(raise_exception=True)
    except ValidationError as error:
        if breaks_schema(error):
            raise


def _token(request, key):
    if not re.fullmatch(KEY_PATTERN, key):
        raise DomainError(
            f"{HEADER} must be 1 to 255 visible ASCII characters (a UUID, say).",
            code="invalid_idempotency_key",
            status=400,
        )
    if not isinstance(request.auth, ApiToken):
        raise DomainError(
            f"{HEADER} is kept per API token: send it with `Authorization: Token <key>`.",
            code="idempotency_key_needs_token",
            status=422,
        )
    return request.auth


def _lock(token, key):
    with connection.cursor() as cursor:
        cursor.execute(TRY_LOCK_SQL, [lock_name(tenant_id=token.tenant_id, token_id=token.pk, key=key)])
        if not cursor.fetchone()[0]:
            raise DomainError(
                f"A request with this {HEADER} is still running; retry when it has answered.",
                code="idempotency_key_in_use",
                status=409,
            )


def request_fingerprint(request):
    """SHA-256 of the method, path, media type and parsed body. Parsed, not raw: a multipart retry has a new
    boundary, and an upload's bytes are hashed as they are read from its file (never held in memory)."""
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    body = json.dumps(_canonical(request.data), sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), media_type, body):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _canonical(data):
    if isinstance(data, QueryDict):
        return {name: [_canonical(value) for value in values] for name, values in data.lists()}
    if isinstance(data, UploadedFile):
        digest = hashlib.sha256()
        for chunk in data.chunks():
            digest.update(chunk)
        data.seek(0)
        return {"file": data.name, "sha256": digest.hexdigest()}
    return data


def _stored_answer(token, key):
    """The stored answer for the key, if younger than IDEMPOTENCY_KEY_LIFETIME; an older one is deleted (in this
    transaction) so that the key starts again."""
    stored = IdempotencyKey.objects.filter(token=token, key=key).first()
    if stored is not None and stored.created_at <= timezone.now() - IDEMPOTENCY_KEY_LIFETIME:
        stored.delete()
        return None
    return stored


def _replay(stored, fingerprint):
    if stored.fingerprint != fingerprint:
        raise DomainError(
            f"This {HEADER} was used in the last 24 hours for another request; use a new key for a new request.",
            code="idempotency_key_reused",
            status=422,
        )
    response = HttpResponse(
        bytes(stored.response_body), status=stored.response_status, content_type=stored.response_content_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _store(token, key, request, fingerprint, response):
    response.render()
    IdempotencyKey.objects.create(
        token=token,
        key=key,
        method=request.method,
        path=request.get_full_path(),
        fingerprint=fingerprint,
        response_status=response.status_code,
        response_content_type=response["Content-Type"],
        response_body=response.content,
    )


@transaction.atomic
def purge_expired_keys():
    """Delete the current tenant's keys older than IDEMPOTENCY_KEY_LIFETIME. Returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - IDEMPOTENCY_KEY_LIFETIME).delete()
    return deleted


def _documented(action):
    """The action's schema class (its `@extend_schema`'s, or the default) with the header and the refusals added.
    The refusals are added to the built responses, so `@extend_schema` may come above or below `@idempotent`."""
    schema_class = getattr(action, "kwargs", {}).get("schema") or api_settings.DEFAULT_SCHEMA_CLASS

    class IdempotentSchema(schema_class):
        def get_override_parameters(self):
            return [*super().get_override_parameters(), KEY_PARAMETER, REPLAYED_PARAMETER]

        def _get_response_bodies(self, direction="response"):
            responses = super()._get_response_bodies(direction)
            for status, refusal in REFUSALS.items():
                response = responses.setdefault(str(status), {"description": ""})
                response["description"] = f"{response['description']} {refusal}".strip()
            return responses

    return IdempotentSchema
