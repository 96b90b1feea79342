from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "prm.files"
    label = "files"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from prm.files.models import StoredFile
        from prm.modules import register_file_purpose

        for value, label in StoredFile.Purpose.choices:
            register_file_purpose(value, label)
