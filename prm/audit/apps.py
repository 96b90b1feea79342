from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "prm.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """The core's readable audit actions, object types and fields (prm.audit.labels); modules add theirs."""
        from prm.audit.labels import register_core

        register_core()
