"""The base of every tenant task (a module's tasks use it as `@shared_task(base=TenantTask)`)."""

import logging

from celery import Task
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant

logger = logging.getLogger(__name__)


class TenantSuspended(Exception):
    """A tenant task was sent for a suspended tenant: it does not run, and is not retried."""


class TenantTask(Task):
    """Base of every tenant task: called with an explicit `tenant_id` keyword, runs inside that tenant's
    scope, acknowledged late (a killed worker's task is redelivered), retried with backoff on transient
    database or broker errors, refused (`TenantSuspended`) for a suspended tenant. Tasks pass ids, never
    objects, and must be idempotent."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True
    autoretry_for = (OperationalError, InterfaceError, RedisConnectionError)
    throws = (TenantSuspended,)  # an expected outcome: the worker logs no traceback for it

    def __call__(self, *args, **kwargs):
        tenant_id = kwargs.get("tenant_id")
        if not tenant_id:
            raise TypeError(f"{self.name} must be called with tenant_id=")
        tenant = Tenant.objects.get(pk=tenant_id)
        if not tenant.is_active:
            logger.warning("%s not run: tenant %s (%s) is %s", self.name, tenant.slug, tenant.pk, tenant.status)
            raise TenantSuspended(f"{self.name} not run: tenant {tenant.slug} is {tenant.status}")
        with tenant_scope(tenant):
            return super().__call__(*args, **kwargs)
