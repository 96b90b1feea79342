from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "prm.ledger"
    label = "ledger"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Ledger and FX rates"

    def ready(self):
        from prm.ledger.fx_services import FX_IMPORT_PURPOSE
        from prm.modules import register_file_purpose

        register_file_purpose(FX_IMPORT_PURPOSE, "FX rates import")
