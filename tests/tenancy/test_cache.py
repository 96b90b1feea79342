"""Cache keys carry the tenant; the Celery broker, the cache and the sessions live in separate Redis databases,
so a cache clear never drops a queued task."""

import uuid

from django.conf import settings
from django.core.cache import cache

from prm import settings as configured
from prm.celery import app as celery_app
from prm.tenancy.context import tenant_scope


def test_a_value_cached_in_one_tenant_is_not_read_in_another(world):
    with tenant_scope(world.tenant_a):
        cache.set("progress:1", "tenant A's")
    with tenant_scope(world.tenant_b):
        assert cache.get("progress:1") is None
        cache.set("progress:1", "tenant B's")
    assert cache.get("progress:1") is None  # platform code has a space of its own
    with tenant_scope(world.tenant_a):
        assert cache.get("progress:1") == "tenant A's"


def test_broker_cache_and_sessions_are_configured_in_three_redis_databases():
    locations = [
        configured.CELERY_BROKER_URL,
        configured.CACHES["default"]["LOCATION"],
        configured.CACHES[configured.SESSION_CACHE_ALIAS]["LOCATION"],
    ]
    assert len(set(locations)) == 3, locations
    assert configured.SESSION_CACHE_ALIAS != "default"
    assert configured.CACHES["default"]["KEY_FUNCTION"] == "prm.tenancy.cache.tenant_cache_key"


def test_clearing_the_cache_leaves_a_queued_message_in_the_broker():
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    queue_name = f"test-broker-survives-cache-clear-{uuid.uuid4().hex}"  # a queue of its own: no worker reads it
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put({"task": "probe"})
            cache.clear()
            assert queue.qsize() == 1
        finally:
            queue.clear()
            queue.close()
