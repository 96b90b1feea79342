from django.apps import AppConfig


class MdfConfig(AppConfig):
    name = "mdf"
    default_auto_field = "django.db.models.BigAutoField"
