from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

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
