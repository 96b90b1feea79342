"""The relation field between two tenant tables.

Every foreign key from a tenant table to another tenant table is a `TenantForeignKey` (the system check
`prm.tenancy.checks` refuses a bare `ForeignKey` there). It is the one place where a relation between tenant
rows is defined, so that joins can later carry `tenant_id` too (Citus co-locates by tenant and joins only on
the distribution column: ../shared/SCALE-OUT.md). Today it adds two things to a plain `ForeignKey`:

- `prm.tenancy.rls` gives it a composite `(tenant_id, column) → (tenant_id, id)` foreign key (unless
  `db_constraint=False`), so the database refuses a reference to another tenant's row;
- no single-column index by default (`db_index=False`): every index on a tenant table starts with `tenant`,
  so a model that looks rows up by the relation declares `Index(fields=["tenant", "<field>"])` in its Meta
  (or a unique constraint starting with the same columns already serves it).
"""

from django.db import models


class TenantForeignKey(models.ForeignKey):
    def __init__(self, to, on_delete, **kwargs):
        kwargs.setdefault("db_index", False)
        super().__init__(to, on_delete, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # ForeignKey writes db_index only when it is False (its default is True); ours defaults to False.
        kwargs.pop("db_index", None)
        if self.db_index:
            kwargs["db_index"] = True
        return name, path, args, kwargs
