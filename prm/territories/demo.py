"""The demo's territories: a tree per demo vendor, each partner organisation assigned to the most specific territory
of its country, each channel manager to theirs, and one channel manager limited to their territories — all through
the services."""

from prm.accounts.models import Membership, PartnerOrg
from prm.territories.selectors import territories_for
from prm.territories.services import (
    territory_assign_partner_org,
    territory_assign_staff,
    territory_create,
    territory_limit_create,
)

# (name, code, parent code, countries, postcode prefixes)
TREES = {
    "acme": [
        ("Americas", "AMER", None, [], None),
        ("North America", "NA", "AMER", ["US", "CA"], None),
        ("LATAM", "LATAM", "AMER", ["MX", "BR", "AR", "CL", "CO"], None),
        ("EMEA", "EMEA", None, [], None),
        ("EMEA-DACH", "EMEA-DACH", "EMEA", ["DE", "AT", "CH"], None),
        ("DE-South", "DE-SOUTH", "EMEA-DACH", ["DE"], {"DE": ["7", "8", "9"]}),
        ("UK&I", "UKI", "EMEA", ["GB", "IE"], None),
        ("Western Europe", "WEU", "EMEA", ["FR", "NL", "BE", "LU", "ES", "PT", "IT"], None),
        ("APAC", "APAC", None, ["SG", "AU", "NZ", "JP"], None),
    ],
    "globex": [
        ("Europe", "EU", None, [], None),
        ("DACH", "DACH", "EU", ["DE", "AT", "CH"], None),
        ("DE-West", "DE-WEST", "DACH", ["DE"], {"DE": ["4", "5"]}),
        ("Nordics & Baltics", "NORDICS", "EU", ["NO", "SE", "FI", "DK", "IS", "EE", "LV", "LT"], None),
        ("Benelux & Iberia", "BNLX-IB", "EU", ["NL", "BE", "LU", "ES", "PT"], None),
        ("Central & Eastern Europe", "CEE", "EU", ["PL", "HU", "CZ", "SK"], None),
    ],
}
# (channel manager's e-mail, territory code, limited to it)
STAFF = {
    "acme": [("cm.emea@acme.test", "EMEA", True), ("cm.amer@acme.test", "AMER", False)],
    "globex": [("cm.dach@globex.test", "DACH", True), ("cm.nordics@globex.test", "NORDICS", False)],
}


def seed_territories(*, admin_membership):
    slug = admin_membership.tenant.slug
    created = {}
    for name, code, parent, countries, prefixes in TREES.get(slug, []):
        created[code] = territory_create(
            actor_membership=admin_membership, name=name, code=code, parent=created.get(parent),
            countries=countries, postcode_prefixes=prefixes,
        )  # fmt: skip
    for org in PartnerOrg.objects.order_by("name"):
        found = territories_for(org.country)
        if found:
            territory_assign_partner_org(actor_membership=admin_membership, territory=found[0], partner_org=org)
    for email, code, limited in STAFF.get(slug, []):
        member = Membership.objects.get(user__email=email)
        territory_assign_staff(actor_membership=admin_membership, territory=created[code], membership=member)
        if limited:
            territory_limit_create(actor_membership=admin_membership, membership=member)
