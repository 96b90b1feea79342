from django.contrib import admin

from prm.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Platform operator only: people across tenants (their roles live in tenant memberships)."""

    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "is_staff"]

    def has_delete_permission(self, request, obj=None):
        """Deactivate a user instead (is_active). Their memberships, tokens and inbox live in tenant tables this
        host cannot see (row-level security; the SQL guard refuses the attempt in development), so a delete
        could not collect them and the database would refuse it."""
        return False
