from django.apps import AppConfig


class CadencesConfig(AppConfig):
    name = "prm.cadences"
    label = "cadences"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Reporting cadences"
