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
