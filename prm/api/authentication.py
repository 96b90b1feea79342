import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions

from prm.accounts.models import ApiToken, Membership


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _created_before_password_change(token):
    """A new password ends the tokens made before it, on every portal (this one cannot even list the others under
    row-level security, so they are refused here rather than revoked)."""
    changed_at = token.user.password_changed_at
    return changed_at is not None and token.created_at < changed_at


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`. The key is looked up (by its hash) among the tokens of the request's
    tenant only, so a token presented on another tenant's host is simply unknown → 401."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: use 'Token <key>'.")
        if getattr(request, "tenant", None) is None:
            raise exceptions.AuthenticationFailed("API tokens work on a tenant's portal host only.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key), revoked_at__isnull=True).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if _created_before_password_change(token):
            raise exceptions.AuthenticationFailed(
                "This token was created before its user's last password change or reset; create a new one."
            )
        membership = Membership.objects.select_related("partner_org").filter(user=token.user, is_active=True).first()
        if membership is None:
            raise exceptions.AuthenticationFailed("The token's user has no access to this portal.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            # Never waits: a running request of this token that stamped it holds the row until it ends, and another
            # request (a retry answered 409 idempotency_key_in_use, say) must not queue behind it for a timestamp.
            with transaction.atomic():  # the row lock needs a transaction, also in a view without ATOMIC_REQUESTS
                unlocked = ApiToken.objects.filter(pk=token.pk).select_for_update(skip_locked=True)
                ApiToken.objects.filter(pk__in=unlocked).update(last_used_at=now)
        request._request.membership = membership
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Token <key>` in the OpenAPI schema (securitySchemes.tokenAuth)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=self.target.keyword)
