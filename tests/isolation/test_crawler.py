"""The isolation crawler: every route of the tenant portal, page or API, requested by people who must not
see tenant A's objects — charlie (tenant B's admin, on B's host), otto (partner admin of another partner
organisation of tenant A) and an anonymous visitor — with the ids of tenant A's objects.

Rules proved for every route:
- a route that takes an object id answers charlie 404, otto 404 or 403 (any of them 405 where the
  route takes no such method at all), and leaks none of the object's text; a positive control proves
  the owner can open it, so the 404 comes from the scoping, not from a broken route;
- a route without an id shows charlie nothing of tenant A and otto nothing of the other organisation.

charlie signs in through the real sign-in page (allauth, on B's host), and "dual" — vendor admin of both
tenants — signs in there too and presents that session on A's host: it must be signed out there (a session
is bound to the tenant it signed in on), so it sees what an anonymous visitor sees. (force_login would bind no
tenant, and that check would never be crawled.)
"""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from prm.accounts.models import Membership, Role
from prm.exports import XLSX_CONTENT_TYPE
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.factories.populate import populate_tenant
from tests.isolation.routes import tenant_routes

# Routes whose parameter is a secret key, not a tenant object id: allauth's e-mail confirmation and
# password-reset links. They are still crawled without parameters' leaks by the tests in tests/accounts.
SECRET_KEY_ROUTES = {"account_confirm_email", "account_reset_password_from_key"}
# Public by design on the tenant's own host (anyone holding the secret or the URL).
PUBLIC_ON_OWN_HOST = {"accounts:invitation_accept"}

ROUTES = [r for r in tenant_routes() if r.name.split(":")[-1] not in SECRET_KEY_ROUTES]
OBJECT_ROUTES = [r for r in ROUTES if set(r.params) - {"format"}]
PLAIN_ROUTES = [r for r in ROUTES if not set(r.params) - {"format"}]

TENANT_A_TEXT = ["ALPHA", "Acme Networks", "acme.test", "alpha.test", "Alpha Resellers", "Beta Distribution"]
ORG1_TEXT = [
    "Alpha Resellers",
    "pat@alpha.test",
    "una@alpha.test",
    "alpha@invitee.test",
    "ALPHA-SKU",
    "ALPHA-sales.csv",
    "ALPHA-INV",
]
# org1's own records, whose ids alone are a leak in another partner's lists (the catalogue's are shared).
ORG1_RECORDS = (
    "pos_import",
    "pos_import_waiting",
    "pos_line",
    "pos_reject",
    "column_mapping",
    "part_number",
    "tier_change",
)
# The vendor's catalogue, which every partner of the tenant looks up (its active products): otto reads the product
# there, whose SKU org1's POS lines name too (so ORG1_TEXT holds it); and the program's tiers, which every partner
# reads (what each needs and gives). Another tenant still gets 404 and nothing.
SHARED_WITH_PARTNERS = {"catalog:product_list", "product-list", "product-detail", "partner-tier-detail"}
CATALOGUE_TEXT = {"ALPHA-SKU"}


def _org1_text(route):
    """What of org1 `route` must not show another partner organisation."""
    shared = CATALOGUE_TEXT if route.name in SHARED_WITH_PARTNERS else set()
    return [text for text in ORG1_TEXT if text not in shared]


@pytest.fixture
def crawl(world):
    with tenant_scope(world.tenant_a):
        admin = Membership.objects.get(user=world.alice)
        partner_membership = Membership.objects.get(user=world.pat)
    data = populate_tenant(world.tenant_a, admin_membership=admin, partner_org=world.org1, marker="ALPHA")
    data["partner_membership"] = partner_membership
    world.tenant_a.logo = data["logo"]
    world.tenant_a.save()
    data["dual"] = UserFactory(email="dual@both.test")
    for tenant in (world.tenant_a, world.tenant_b):
        with tenant_scope(tenant):
            MembershipFactory(user=data["dual"], role=Role.VENDOR_ADMIN)
    return world, data


def signed_in(user, tenant):
    """A client signed in through the sign-in page on `tenant`'s host (the session is bound to that tenant)."""
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session, f"{user.email} cannot sign in"
    return client


def session_carried_to_a(world, data):
    """dual's session, signed in on tenant B's host, presented on tenant A's host (a copied cookie)."""
    client = signed_in(data["dual"], world.tenant_b)
    client.defaults["HTTP_HOST"] = host_of(world.tenant_a)
    return client


def _candidates(data, param):
    if param == "token":
        return [data["invitation_token"]]
    ids = {str(v.pk) for v in data.values() if hasattr(v, "pk")}
    return sorted(ids)


def _url(route, value):
    kwargs = {p: value for p in route.params if p != "format"}
    if "format" in route.params:
        kwargs["format"] = "json"
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _body(response):
    """The response's bytes; for a workbook, the XML of its parts (a zip hides its text from a search)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == XLSX_CONTENT_TYPE:
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return b"".join(workbook.read(name) for name in workbook.namelist())
    return body


def _leaks(response, texts):
    body = _body(response).decode("utf-8", "replace")
    return [t for t in texts if t in body]


def test_every_route_is_named_so_the_crawler_can_reach_it():
    unnamed = [r.pattern for r in tenant_routes() if not r.name]
    assert unnamed == []


def test_the_crawler_sees_the_routes_of_every_module():
    names = {r.name for r in ROUTES}
    for expected in (
        "accounts:partner_org_detail",
        "catalog:product_detail",
        "files:download",
        "partner-org-detail",
        "product-prices",
        "audit-event-detail",
        "audit:event_list",
    ):
        assert expected in names


def test_the_crawler_reads_the_text_inside_a_workbook(crawl):
    world, _data = crawl
    export = world.client(world.alice).get(reverse("pos:line_export_xlsx"))

    assert export["Content-Type"] == XLSX_CONTENT_TYPE
    assert _leaks(export, ["ALPHA-INV-1", "ALPHA-SKU"]) == ["ALPHA-INV-1", "ALPHA-SKU"]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_object_routes_answer_404_to_other_tenants_and_other_partner_orgs(crawl, route):
    world, data = crawl
    param = next(p for p in route.params if p != "format")
    urls = [u for u in (_url(route, v) for v in _candidates(data, param)) if u]
    assert urls, f"{route}: no id of tenant A fits this route"
    owner = world.client(world.alice)

    # Which of A's ids does this route serve to its owner? (GET; POST-only routes answer 405 to GET.)
    owner_get = {url: owner.get(url).status_code for url in urls}
    get_only_405 = all(code == 405 for code in owner_get.values())
    served = [u for u, code in owner_get.items() if code not in (404, 403)] or urls

    charlie, otto, anonymous = signed_in(world.charlie, world.tenant_b), world.client(world.otto), world.client(None)
    for url in served:
        for method in ("get", "post"):
            if method == "get" and get_only_405:
                continue
            response = getattr(charlie, method)(url)
            # 405: the route takes no such method at all, decided before any object is looked up.
            assert response.status_code in (404, 405), f"charlie {method.upper()} {url} → {response.status_code}"
            assert not _leaks(response, TENANT_A_TEXT)
            if route.name not in PUBLIC_ON_OWN_HOST and str(data["logo"].pk) not in url:
                response = getattr(otto, method)(url)
                refused = (403, 404, 405) if route.name not in SHARED_WITH_PARTNERS or method != "get" else (200, 404)
                assert response.status_code in refused, f"otto {method.upper()} {url} → {response.status_code}"
                assert not _leaks(response, _org1_text(route))
                for name, visitor in (("anonymous", anonymous), ("B's session", session_carried_to_a(world, data))):
                    response = getattr(visitor, method)(url)
                    assert response.status_code in (302, 401, 403, 404, 405), f"{name} {method.upper()} {url}"
                    assert not _leaks(response, TENANT_A_TEXT[:1] + ORG1_TEXT)

    # Positive control, last because a POST may change the object: the owner reaches it.
    codes = [owner.post(url).status_code for url in urls] if get_only_405 else list(owner_get.values())
    assert any(code not in (404, 403) for code in codes), f"{route}: the owner cannot open it either: {codes}"


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=str)
def test_routes_without_ids_show_nothing_of_another_tenant_or_partner_org(crawl, route):
    world, data = crawl
    url = _url(route, None)
    assert url is not None, f"{route}: cannot be reversed"
    org1_ids = [str(data[name].pk) for name in ORG1_RECORDS]
    tenant_a_ids = [*org1_ids, str(data["product"].pk)]
    for name, client, texts in (
        ("charlie", signed_in(world.charlie, world.tenant_b), TENANT_A_TEXT + tenant_a_ids),
        ("bea", world.client(world.bea), TENANT_A_TEXT + tenant_a_ids),
        ("otto", world.client(world.otto), _org1_text(route) + org1_ids),
        ("B's session on A's host", session_carried_to_a(world, data), ORG1_TEXT + org1_ids),
    ):
        response = client.get(url)
        assert response.status_code < 500, f"{name} GET {url} → {response.status_code}"
        assert not _leaks(response, texts), f"{name} GET {url} shows {_leaks(response, texts)}"
