"""The Celery app (configured from the Django settings, CELERY_*). Tenant tasks: prm.tenancy.tasks.TenantTask."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def solo_worker_command(queue, *, loglevel):
    """The command line of one worker process (solo pool: tasks run in that process) on one queue, as the
    benchmarks and the crash test start it."""
    return [
        *(sys.executable, "-m", "celery", "-A", "prm", "worker", "--pool", "solo", "-Q", queue),
        *("--loglevel", loglevel, "--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
