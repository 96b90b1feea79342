import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from prm.services import DomainError
from prm.tenancy.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant (vendor), its portal domain and its first vendor admin."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", help="omit to generate one (printed once)")
        parser.add_argument("--currency", default="USD", help="reporting currency (ISO 4217)")
        parser.add_argument("--language", default="en")
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--country", default="US", help="the vendor's country (ISO 3166-1 alpha-2): its holidays")
        parser.add_argument(
            "--fiscal-year-start-month",
            type=int,
            default=1,
            help="1-12 (a fiscal year is named by the year it ends in)",
        )

    def handle(self, *args, **options):
        password = options["admin_password"] or secrets.token_urlsafe(12)
        try:
            tenant, admin = tenant_create(
                slug=options["slug"],
                name=options["name"],
                admin_email=options["admin_email"],
                admin_password=password,
                reporting_currency=options["currency"],
                default_language=options["language"],
                time_zone=options["time_zone"],
                country=options["country"],
                fiscal_year_start_month=options["fiscal_year_start_month"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        host = tenant.domains.get(is_primary=True).host
        self.stdout.write(f"Created tenant {tenant.slug} on {settings.PRM_PUBLIC_URL_TEMPLATE.format(host=host)}")
        self.stdout.write(f"Vendor admin: {admin.email}")
        if not admin.check_password(password):
            # An existing account (a member of another tenant) was reused: it keeps its own password.
            self.stdout.write("This account existed already: it signs in with its current password.")
        elif not options["admin_password"]:
            self.stdout.write(f"Password (shown once): {password}")
