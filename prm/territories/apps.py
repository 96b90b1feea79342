from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "prm.territories"
    label = "territories"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Territories"
