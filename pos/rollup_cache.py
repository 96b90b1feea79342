"""Reads of the sales rollup kept in the cache until the rollup changes: the home pages' and the data-quality page's
sales figures group tens of thousands of rollup rows (0.05–0.1 s a query for a tenant of a million lines) that
change only when a load, an FX recompute or a rebuild commits.

A read is cached under its SQL (with its parameters) and the tenant's rollup version: every writer of the rollup
(pos/services/rollup.py) forgets the version once its transaction commits, so the next read makes a new one and
no figure of the old one is read again (they expire after FIGURES_SECONDS). The SQL names the viewer's scope —
a partner's own id, or no filter for staff who see every partner; for staff limited to territories, whose SQL
holds a subquery of territory assignments that change without the rollup, the key also carries a digest of the
partners in their scope (one query a request). The names the rows carry (a partner's, a product family) may lag a
rename by FIGURES_SECONDS at most. Cache keys carry the tenant (prm.tenancy.cache)."""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

from prm.accounts.permissions import is_vendor_staff
from prm.tenancy.context import tenant_scope
from prm.territories.selectors import is_limited, partner_orgs_in_scope

VERSION_KEY = "pos-rollup-version"
FIGURES_SECONDS = 600


def rollup_version():
    """The current tenant's rollup version: a new one after each committed change."""
    cache.add(VERSION_KEY, uuid.uuid4().hex, None)  # only if there is none yet (another process may race here)
    return cache.get(VERSION_KEY) or "unversioned"


def cached_rollup_rows(viewer, rows):
    """`list(rows)` — a query of the viewer's rollup rows (pos.selectors.visible_rollup and its groupings) —
    from the cache while the rollup has not changed (and, for staff limited to territories, their scope)."""
    sql, params = rows.query.sql_with_params()
    digest = hashlib.sha256(repr((sql, params, _limited_scope(viewer))).encode()).hexdigest()
    key = f"pos-rollup-rows:{rollup_version()}:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = list(rows)
        cache.set(key, cached, FIGURES_SECONDS)
    return cached


SCOPE_MEMO = "_pos_rollup_cache_scope"  # on the membership object: its scope's digest, asked once per request


def _limited_scope(viewer):
    """For staff limited to territories, a digest of the partners in their scope (their SQL names the scope only as
    a subquery of territory assignments, which change without the rollup); None for anyone else."""
    if not (is_vendor_staff(viewer) and is_limited(viewer)):
        return None
    if SCOPE_MEMO not in viewer.__dict__:
        ids = sorted(str(pk) for pk in partner_orgs_in_scope(viewer).values_list("pk", flat=True))
        viewer.__dict__[SCOPE_MEMO] = hashlib.sha256(",".join(ids).encode()).hexdigest()
    return viewer.__dict__[SCOPE_MEMO]


def forget_rollup_rows_on_commit(tenant):
    """Called by each writer of `tenant`'s rollup inside its transaction: once it commits, the cached reads are
    left behind (a rolled-back change forgets nothing)."""

    def forget():
        with tenant_scope(tenant):
            cache.delete(VERSION_KEY)

    transaction.on_commit(forget, robust=True)
