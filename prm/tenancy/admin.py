from django.contrib import admin

from prm.tenancy.models import Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    """Platform operator only (platform host). Tenant-owned data is not browsable here: with no tenant in
    scope, row-level security shows none of it."""

    list_display = ["name", "slug", "status", "reporting_currency", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "status", "reporting_currency", "default_language", "time_zone"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        """The reporting currency is chosen when the tenant is created: the ledger's postings and POS's sales
        rollup hold amounts converted into it."""
        return ["reporting_currency"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        """Suspend a tenant instead. Its data lives in tenant tables this host cannot see (row-level security;
        the SQL guard refuses the attempt in development), so a delete could not collect it and the database
        would refuse it."""
        return False
