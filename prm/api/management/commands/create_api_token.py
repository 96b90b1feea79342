from django.core.management.base import BaseCommand, CommandError

from prm.accounts.models import Membership
from prm.accounts.services import api_token_create
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Create an API token for a member of a tenant and print its key (shown once, as on the tokens page)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug, e.g. acme.")
        parser.add_argument("--email", required=True, help="The member's e-mail address.")
        parser.add_argument("--name", default="command line", help="The token's name on the tokens page.")

    def handle(self, *args, tenant, email, name, **options):
        tenant = Tenant.objects.filter(slug=tenant).first()
        if tenant is None:
            raise CommandError("No tenant with this slug.")
        with tenant_scope(tenant):
            membership = Membership.objects.select_related("user").filter(user__email__iexact=email, is_active=True)
            if not membership.exists():
                raise CommandError(f"{email} is no active member of {tenant.name}.")
            _token, key = api_token_create(user=membership.first().user, name=name)
        self.stdout.write(key)
