"""Cache keys carry the tenant (CACHES["default"]["KEY_FUNCTION"]): a value cached in tenant A's scope is never
read in tenant B's, whatever key the code chose. Code outside any tenant scope shares the `platform` space."""

from prm.tenancy.context import current_tenant_id


def tenant_cache_key(key, key_prefix, version):
    tenant_id = current_tenant_id()
    space = tenant_id.hex if tenant_id is not None else "platform"
    return f"{key_prefix}:{version}:{space}:{key}"
