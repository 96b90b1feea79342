from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def bind_session_to_tenant(sender, request, user, **kwargs):
    from prm.accounts.middleware import SESSION_TENANT_KEY

    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        request.session[SESSION_TENANT_KEY] = str(tenant.pk)


class AccountsConfig(AppConfig):
    name = "prm.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        user_logged_in.connect(bind_session_to_tenant, dispatch_uid="prm.accounts.bind_session_to_tenant")
