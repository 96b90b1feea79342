from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "prm.tenancy"
    label = "tenancy"

    def ready(self):
        from prm.tenancy.checks import tenancy_check
        from prm.tenancy.db import install_wrapper
        from prm.tenancy.guard import install_guard
        from prm.tenancy.rls import sync_rls_after_migrate

        connection_created.connect(install_wrapper, dispatch_uid="prm.tenancy.install_wrapper")
        connection_created.connect(install_guard, dispatch_uid="prm.tenancy.install_guard")
        checks.register(tenancy_check)
        # Sent once per app at the end of migrate; bound to this app so it runs once.
        post_migrate.connect(sync_rls_after_migrate, sender=self, dispatch_uid="prm.tenancy.sync_rls")
