from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "prm.ledger"
    label = "ledger"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Ledger and FX rates"
