"""The demo data loaded by `manage.py seed_demo` (and `make demo`): two vendors with their own brands,
channel managers, a dozen partner organisations each with users, a priced catalogue and monthly FX rates. Everything is
created through the services, so the audit log and the notifications are real too. Then each module adds its
own data, through its own services, with the demo seeder it registered (prm.modules.register_demo_seeder)."""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from prm.accounts.models import Membership, Role, User
from prm.accounts.services import invitation_create, membership_create, partner_org_create, user_get_or_create
from prm.catalog.services import price_list_create, price_set, product_create
from prm.ledger.fx_demo import seed_fx_rates
from prm.modules import demo_seeders
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from prm.tenancy.services import tenant_create, tenant_update_branding
from prm.territories.demo import seed_territories

DEMO_PASSWORD = "demo-pass-2026"

VENDORS = [
    {
        "slug": "acme",
        "name": "Acme Networks",
        "portal_name": "Acme Partner Network",
        "currency": "USD",
        "country": "US",
        "fiscal_year_start_month": 7,  # FY2027 runs from 1 July 2026 to 30 June 2027
        "primary": "#0b3d91",
        "accent": "#ff8c00",
        "sender": "partners@acme.test",
        "managers": [("cm.emea@acme.test", "Elena Marsh"), ("cm.amer@acme.test", "Carlos Ruiz")],
        "analyst": ("analyst@acme.test", "Ana Lyst"),
        "families": {
            "Switching": ["AX-24", "AX-48", "AX-48P"],
            "Wireless": ["AW-6", "AW-6E", "AW-7"],
            "Security": ["AF-100", "AF-400", "AF-1000"],
            "Software": ["AS-NMS", "AS-SEC", "AS-CLOUD"],
        },
        "partners": [
            ("Northwind Distribution", "distributor", "US", "northwind.test"),
            ("Contoso Resellers", "reseller", "GB", "contoso.test"),
            ("Fabrikam Integration", "system_integrator", "DE", "fabrikam.test"),
            ("Adventure Works IT", "var", "FR", "adventure.test"),
            ("Litware Managed Services", "msp", "NL", "litware.test"),
            ("Proseware Networks", "reseller", "ES", "proseware.test"),
            ("Wide World Importers", "distributor", "SG", "wideworld.test"),
            ("Woodgrove Solutions", "var", "CA", "woodgrove.test"),
            ("Lucerne Consulting", "referral", "CH", "lucerne.test"),
            ("Humongous Systems", "system_integrator", "US", "humongous.test"),
            ("Coho Networks", "msp", "AU", "coho.test"),
            ("Blue Yonder Reseller", "reseller", "IE", "blueyonder.test"),
        ],
    },
    {
        "slug": "globex",
        "name": "Globex Systems",
        "portal_name": "Globex Channel Hub",
        "currency": "EUR",
        "country": "DE",
        "fiscal_year_start_month": 4,  # FY2027 runs from 1 April 2026 to 31 March 2027
        "primary": "#1b5e20",
        "accent": "#c6ff00",
        "sender": "channel@globex.test",
        "managers": [("cm.dach@globex.test", "Dieter Adler"), ("cm.nordics@globex.test", "Sanna Berg")],
        "analyst": ("analyst@globex.test", "Greta Zahl"),
        "families": {
            "Storage": ["GS-10", "GS-20", "GS-40"],
            "Compute": ["GC-1U", "GC-2U", "GC-4U"],
            "Backup": ["GB-CLOUD", "GB-EDGE"],
            "Services": ["GSV-INST", "GSV-CARE"],
        },
        "partners": [
            ("Tailspin Integrators", "system_integrator", "DE", "tailspin.test"),
            ("Alpine Data", "reseller", "AT", "alpine.test"),
            ("Fjord IT", "msp", "NO", "fjord.test"),
            ("Baltic Distribution", "distributor", "LT", "baltic.test"),
            ("Helvetia Systems", "var", "CH", "helvetia.test"),
            ("Nordlys Partner", "reseller", "SE", "nordlys.test"),
            ("Rhein Solutions", "system_integrator", "DE", "rhein.test"),
            ("Lakeside Storage", "var", "FI", "lakeside.test"),
            ("Polder Cloud", "msp", "NL", "polder.test"),
            ("Danube Tech", "reseller", "HU", "danube.test"),
            ("Iberia Data Center", "distributor", "PT", "iberia.test"),
            ("Vistula Networks", "referral", "PL", "vistula.test"),
        ],
    },
]


def _logo_png(text, primary, accent):
    image = Image.new("RGB", (160, 64), primary)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 56, 160, 64], fill=accent)
    draw.text((12, 18), text, fill="white", font_size=28)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _member(email, name, role, actor, partner_org=None):
    user = user_get_or_create(email=email, password=DEMO_PASSWORD, full_name=name)
    return membership_create(user=user, role=role, partner_org=partner_org, actor=actor)


def seed_vendor(spec, rng):
    tenant, admin = tenant_create(
        slug=spec["slug"],
        name=spec["name"],
        admin_email=f"admin@{spec['slug']}.test",
        admin_password=DEMO_PASSWORD,
        reporting_currency=spec["currency"],
        admin_name=f"{spec['name']} Admin",
        country=spec["country"],
        fiscal_year_start_month=spec["fiscal_year_start_month"],
    )
    with tenant_scope(tenant):
        admin_membership = Membership.objects.get(user=admin)
        logo = SimpleUploadedFile("logo.png", _logo_png(spec["name"].split()[0], spec["primary"], spec["accent"]))
        tenant_update_branding(
            tenant=tenant,
            actor_membership=admin_membership,
            portal_name=spec["portal_name"],
            logo_upload=logo,
            primary_colour=spec["primary"],
            accent_colour=spec["accent"],
            email_sender_name=spec["portal_name"],
            email_sender_address=spec["sender"],
        )
        managers = [_member(email, name, Role.CHANNEL_MANAGER, admin) for email, name in spec["managers"]]
        _member(*spec["analyst"], Role.ANALYST, admin)
        for index, (name, partner_type, country, domain) in enumerate(spec["partners"]):
            org = partner_org_create(
                actor_membership=admin_membership,
                name=name,
                partner_type=partner_type,
                country=country,
                channel_manager=managers[index % len(managers)],
            )
            partner_admin = _member(f"admin@{domain}", f"{name.split()[0]} Admin", Role.PARTNER_ADMIN, admin, org)
            for rep in range(1 + index % 3):
                _member(
                    f"rep{rep or ''}@{domain}",
                    f"{name.split()[0]} Rep {rep + 1}",
                    Role.PARTNER_USER,
                    partner_admin.user,
                    org,
                )
            if index % 4 == 0:
                invitation_create(
                    actor_membership=partner_admin, email=f"new.hire@{domain}", role=Role.PARTNER_USER, partner_org=org
                )
        invitation_create(
            actor_membership=admin_membership, email=f"new.manager@{spec['slug']}.test", role=Role.CHANNEL_MANAGER
        )
        currency = spec["currency"]
        list_price = price_list_create(
            actor_membership=admin_membership, name=f"{currency} list price", currency=currency
        )
        partner_price = price_list_create(
            actor_membership=admin_membership, name=f"{currency} distributor price", currency=currency
        )
        for family, skus in spec["families"].items():
            for sku in skus:
                product = product_create(
                    actor_membership=admin_membership, sku=sku, name=f"{spec['name'].split()[0]} {sku}", family=family
                )
                base = rng.randrange(200, 9000)
                price_set(
                    actor_membership=admin_membership,
                    product=product,
                    price_list=list_price,
                    amount=base,
                    valid_from=datetime.date(2026, 1, 1),
                )
                price_set(
                    actor_membership=admin_membership,
                    product=product,
                    price_list=partner_price,
                    amount=round(base * 0.7, 2),
                    valid_from=datetime.date(2026, 1, 1),
                )
                if rng.random() < 0.4:  # a mid-year price drop: history for price protection later
                    price_set(
                        actor_membership=admin_membership,
                        product=product,
                        price_list=partner_price,
                        amount=round(base * 0.63, 2),
                        valid_from=datetime.date(2026, 7, 1),
                    )
        seed_fx_rates(admin_membership=admin_membership, seed=len(spec["slug"]))
        seed_territories(admin_membership=admin_membership)
        for seed_module_demo in demo_seeders():  # the modules' data (prm.modules.register_demo_seeder)
            seed_module_demo(admin_membership=admin_membership, seed=len(spec["slug"]))
    return tenant


def seed_demo():
    """Load the demo vendors unless they exist. Returns the tenants created."""
    rng = random.Random(2026)  # noqa: S311 - demo prices, not secrets
    created = []
    for spec in VENDORS:
        if not Tenant.objects.filter(slug=spec["slug"]).exists():
            created.append(seed_vendor(spec, rng))
    if not User.objects.filter(email="operator@platform.test").exists():
        User.objects.create_superuser(email="operator@platform.test", password=DEMO_PASSWORD)
    return created
