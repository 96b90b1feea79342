from django.apps import AppConfig


class DealregConfig(AppConfig):
    name = "dealreg"
    default_auto_field = "django.db.models.BigAutoField"
