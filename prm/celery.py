import os
import sys

from celery import Celery, Task
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class TenantTask(Task):
    """Base of every tenant task: called with an explicit `tenant_id` keyword, runs inside that tenant's
    scope, acknowledged late (a killed worker's task is redelivered), retried with backoff on transient
    database or broker errors. Tasks pass ids, never objects, and must be idempotent."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True
    autoretry_for = (OperationalError, InterfaceError, RedisConnectionError)

    def __call__(self, *args, **kwargs):
        from prm.tenancy.context import tenant_scope
        from prm.tenancy.models import Tenant

        tenant_id = kwargs.get("tenant_id")
        if not tenant_id:
            raise TypeError(f"{self.name} must be called with tenant_id=")
        tenant = Tenant.objects.get(pk=tenant_id)
        with tenant_scope(tenant):
            return super().__call__(*args, **kwargs)


def solo_worker_command(queue, *, loglevel):
    """The command line of one worker process (solo pool: tasks run in that process) on one queue, as the
    benchmarks and the crash test start it."""
    return [
        *(sys.executable, "-m", "celery", "-A", "prm", "worker", "--pool", "solo", "-Q", queue),
        *("--loglevel", loglevel, "--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
