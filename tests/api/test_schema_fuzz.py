"""Schemathesis against the portal's own OpenAPI schema: for requests generated from the schema, valid and
invalid, against unknown and real object ids, no operation of the API answers a server error.

The schema is fetched through the test client on acme's host; requests are sent in-process (same thread,
same test transaction, so the real database with row-level security answers them), authenticated as alice
(vendor admin) with an API token. One test per operation; the operations are listed by drf-spectacular at
collection time, so a new endpoint is fuzzed without anyone listing it. The strict contract run
(test_api_contract.py) checks everything else; this one reaches each operation's real objects by their ids.
"""

import datetime
import json

import pytest
import schemathesis
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from partners.models import Tier, TierChange
from partners.services.applications import application_submit
from pos.models import ColumnMapping, PosLine
from pos.services.imports import pos_lines_submit
from prm.accounts.models import Membership
from prm.accounts.services import api_token_create, invitation_create
from prm.audit.models import AuditEvent
from prm.cadences.services import cadence_create
from prm.ledger.models import FxRate, Kind
from prm.ledger.services import Source, ledger_accrue
from prm.tenancy.context import tenant_scope
from prm.territories.models import Territory, TerritoryLimit
from tests.conftest import host_of
from tests.factories import PriceListFactory, ProductFactory
from tests.factories.populate import pos_line

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
    if method in HTTP_METHODS
)


class InProcessWSGI:
    """Django's test-client handler as a WSGI application: requests run in the test's thread and
    transaction (the plain WSGIHandler would close the test's connection at the end of each request)."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        cookies = [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items(), *cookies])
        return [b"".join(response.streaming_content)] if response.streaming else [response.content]


APP = InProcessWSGI()


@pytest.fixture
def api_world(world):
    """Real rows of tenant A, one per resource, so that generated requests also reach existing objects."""
    with tenant_scope(world.tenant_a):
        product = ProductFactory()
        ProductFactory.create_batch(2)
        price_list = PriceListFactory()
        invitation, _token = invitation_create(
            actor_membership=Membership.objects.get(user=world.alice),
            email="fuzz@invitee.test",
            role="partner_user",
            partner_org=world.org1,
        )
        _token, key = api_token_create(user=world.alice, name="schemathesis")
        pos_import, _results = pos_lines_submit(
            actor_membership=Membership.objects.get(user=world.alice),
            partner_org=world.org1,
            lines=[pos_line("FUZZ-1", product.sku), pos_line("FUZZ-2", "NO-SUCH-SKU")],
        )
        mapping = ColumnMapping.objects.create(
            partner_org=world.org1, name="Fuzz template", header=["sku"], header_signature="fuzz", columns={"sku": 0}
        )
        fx_rate = FxRate.objects.create(
            base_currency="EUR", quote_currency="USD", rate="1.08", valid_from=datetime.date(2026, 1, 1)
        )
        territory = Territory.objects.create(name="Fuzz territory", code="FUZZ")
        territory_limit = TerritoryLimit.objects.create(membership=Membership.objects.get(user=world.bob))
        alice = Membership.objects.get(user=world.alice)
        cadence = cadence_create(
            actor_membership=alice,
            report_kind="pos_sales_out",
            frequency="monthly",
            partner_type="reseller",
            day_of_month=10,
        )
        posting = ledger_accrue(
            actor_membership=alice,
            partner_org=world.org1,
            kind=Kind.REBATE,
            currency="USD",
            amount="10.00",
            source=Source("test", "fuzz", "FUZZ-REBATE"),
            business_date=datetime.date(2026, 3, 2),
        )
        application = application_submit(
            company_name="Fuzz Applicant",
            partner_type="reseller",
            country="DE",
            website="fuzz-applicant.com",
            contact_name="Fuzz Contact",
            contact_email="contact@fuzz-applicant.com",
        )
        real_ids = {
            "partner-orgs": world.org1.pk,
            "partners/applications": application.pk,
            "partners/tier-status": world.org1.pk,
            "partners/tiers": Tier.objects.create(name="Fuzz Gold", rank=2).pk,
            "partners/tier-changes": TierChange.objects.create(
                partner_org=world.org1, cause=TierChange.Cause.FIRST_TIER
            ).pk,
            "users": Membership.objects.get(user=world.una).pk,
            "invitations": invitation.pk,
            "products": product.pk,
            "price-lists": price_list.pk,
            "audit-events": AuditEvent.objects.first().pk,
            "pos/imports": pos_import.pk,
            "pos/lines": PosLine.objects.get(pos_import=pos_import).pk,
            "pos/mappings": mapping.pk,
            "fx-rates": fx_rate.pk,
            "territories": territory.pk,
            "territory-limits": territory_limit.pk,
            "cadences": cadence.pk,
            "ledger/postings": posting.pk,
        }
    world.alice_key = key
    world.real_ids = {name: str(pk) for name, pk in real_ids.items()}
    return world


@pytest.fixture
def api_schema(api_world):
    response = api_world.client(api_world.alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(json.loads(response.content))


def test_every_api_resource_is_fuzzed():
    paths = {path for _method, path in OPERATIONS}
    assert "/api/v1/me/" in paths
    assert {p.split("/")[3] for p in paths} >= {
        "partner-orgs",
        "users",
        "invitations",
        "products",
        "price-lists",
        "pos",
        "partners",
    }
    assert ("PATCH", "/api/v1/products/{id}/") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_api_operation_answers_a_server_error_to_generated_requests(api_world, api_schema, method, path):
    operation = api_schema[path][method]
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if "{id}" in path:
        real_id = {"id": api_world.real_ids[path.split("/{id}")[0].removeprefix("/api/v1/")]}
        strategies += [operation.as_strategy(mode, path_parameters=real_id) for mode in GenerationMode]
    auth = {"Authorization": f"Token {api_world.alice_key}"}
    base_url = f"http://{host_of(api_world.tenant_a)}"

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def check(case):
        response = case.call(app=APP, base_url=base_url, headers=auth)
        case.validate_response(response, checks=[not_a_server_error])

    check()
