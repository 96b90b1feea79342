from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.utils.http import url_has_allowed_host_and_scheme

from prm.notifications.email import tenant_from_address


class TenantAccountAdapter(DefaultAccountAdapter):
    """allauth, per tenant: no open sign-up (people join by invitation), and every account e-mail
    (verification, password reset) leaves from the tenant's sender with the tenant's name."""

    def _tenant(self):
        request = self.request or allauth_context.request
        return getattr(request, "tenant", None)

    def is_open_for_signup(self, request):
        return False

    def get_from_email(self):
        tenant = self._tenant()
        return tenant_from_address(tenant) if tenant is not None else super().get_from_email()

    def format_email_subject(self, subject):
        tenant = self._tenant()
        return f"[{tenant.display_name if tenant else 'PRM'}] {subject}"

    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {**context, "tenant": self._tenant()})

    def is_safe_url(self, url):
        """A `?next=` may lead only to the request's own host: every portal is another tenant's host, so
        ALLOWED_HOSTS (all of them) is not a list of safe places to send someone after signing in."""
        request = allauth_context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def get_reauthentication_methods(self, user):
        """Who has a second factor re-authenticates with it (to remove or add an authenticator, see recovery
        codes, change e-mail addresses): a password alone, which someone else may know, is then not offered."""
        methods = super().get_reauthentication_methods(user)
        return [m for m in methods if m["id"] != "reauthenticate"] or methods

    def _get_login_attempts_cache_key(self, request, **credentials):
        """The key of the failed-login limit (and of its reset after a password reset): the tenant and the
        lower-cased e-mail. allauth's default uses the raw Host (case and port make new keys), and failures
        on one portal must not lock the same person out of another."""
        tenant = getattr(request, "tenant", None)
        email = credentials.get("email", "").strip().lower()
        return f"{tenant.pk if tenant is not None else 'platform'}:{email}"
