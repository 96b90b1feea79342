"""The API contract, as an integrator would test it: the strict schemathesis run of `schemathesis.toml` (every
check, all four phases — examples, coverage, fuzzing, and the stateful phase following links between operations)
against a real server, as a vendor admin (the coverage phase in a run of its own) and as a partner admin. It fails
on any finding: an undocumented status or content type, a response that breaks its schema, invalid data accepted,
valid data refused other than by a documented refusal (403, 404, 409, 422), and any 5xx.

The operations come from the portal's own `/api/schema/`, so a new endpoint is tested without being listed here.
Each run's generated requests are deterministic (`generation.deterministic`; its two workers may interleave them
differently from run to run, which is how a race between two requests was found). The fuzzing is bounded: each
operation gets `EXAMPLES_PER_RUN` divided by the number of operations (between MIN_EXAMPLES and MAX_EXAMPLES); the
coverage phase has no budget and grows with the operations' parameters. `make api-contract` runs the same file
against the demo.
"""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from django.conf import settings

from pos.models import ColumnMapping
from pos.services.imports import pos_lines_submit
from prm.accounts.models import Membership, Role
from prm.accounts.services import api_token_create, invitation_create
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, PriceListFactory, ProductFactory, TenantFactory
from tests.factories.populate import pos_line

EXAMPLES_PER_RUN = 350
MIN_EXAMPLES, MAX_EXAMPLES = 3, 25
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(settings.BASE_DIR) / "schemathesis.toml"
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _portal_with_data():
    """A tenant with one real object per resource (so generated requests also reach existing ones) and a token
    for its vendor admin and for a partner admin."""
    tenant = TenantFactory(name="Acme Networks", slug="acme")
    with tenant_scope(tenant):
        org = PartnerOrgFactory(name="Alpha Resellers")
        PartnerOrgFactory(name="Beta Distribution", partner_type="distributor")
        admin = make_member(Role.VENDOR_ADMIN, email="alice@acme.test")
        partner_admin = make_member(Role.PARTNER_ADMIN, org, email="pat@alpha.test")
        make_member(Role.PARTNER_USER, org, email="una@alpha.test")
        make_member(Role.CHANNEL_MANAGER, email="bob@acme.test")
        product = ProductFactory()
        ProductFactory.create_batch(2)
        PriceListFactory()
        admin_membership = Membership.objects.get(user=admin)
        invitation_create(
            actor_membership=admin_membership, email="new@alpha.test", role="partner_user", partner_org=org
        )
        pos_lines_submit(
            actor_membership=admin_membership,
            partner_org=org,
            lines=[pos_line("CONTRACT-1", product.sku), pos_line("CONTRACT-2", "NO-SUCH-SKU")],
        )
        ColumnMapping.objects.create(
            partner_org=org, name="Alpha template", header=["sku"], header_signature="contract", columns={"sku": 0}
        )
        keys = {
            Role.VENDOR_ADMIN: api_token_create(user=admin, name="contract")[1],
            Role.PARTNER_ADMIN: api_token_create(user=partner_admin, name="contract")[1],
        }
    return tenant, keys


def _examples_per_operation(schema):
    operations = sum(1 for item in schema["paths"].values() for method in item if method != "parameters")
    return max(MIN_EXAMPLES, min(MAX_EXAMPLES, EXAMPLES_PER_RUN // operations)), operations


def _tested(junit_path):
    """(The operations tested, whether the stateful phase ran) from the run's JUnit report."""
    names = [case.get("name") for case in ET.parse(junit_path).getroot().iter("testcase")]
    return {name for name in names if name.split(" ")[0] in HTTP_METHODS}, "Stateful tests" in names


# The coverage phase (every boundary and invalid value of every parameter: 8,110 requests for 65 operations, ~7
# minutes here under load) runs once, as the vendor admin, who reaches every operation, in a run of its own so that
# xdist runs it beside the vendor admin's fuzzing and stateful run; the partner admin's run checks what depends on
# the role (403s, its own organisation's objects) through the generated examples and the stateful phase.
RUNS = [
    (Role.VENDOR_ADMIN, "examples,coverage"),
    (Role.VENDOR_ADMIN, "fuzzing,stateful"),
    (Role.PARTNER_ADMIN, "examples,fuzzing,stateful"),
]


@pytest.mark.parametrize(("role", "phases"), RUNS, ids=[f"{role}-{phases}" for role, phases in RUNS])
def test_the_strict_contract_run_finds_nothing(committed_db, live_server_url, tmp_path, role, phases):
    tenant, keys = _portal_with_data()
    port = live_server_url.rsplit(":", 1)[1]
    headers = {"Host": f"{tenant.slug}.localhost:{port}", "Authorization": f"Token {keys[role]}"}
    base = f"http://127.0.0.1:{port}"
    schema = requests.get(f"{base}/api/schema/", headers={**headers, "Accept": "application/json"}, timeout=30).json()
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema))
    examples, operations = _examples_per_operation(schema)
    junit = tmp_path / "junit.xml"
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "--no-color", "run", str(schema_path)]
    command += ["--url", base, "--phases", phases, "--max-examples", str(examples), "--workers", "2"]
    command += [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command += ["--report", "junit", "--report-junit-path", str(junit)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)  # coverage: ~6 min
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    tested, stateful_ran = _tested(junit)
    assert len(tested) == operations, run.stdout[-5_000:]
    if "stateful" in phases:
        assert stateful_ran, "no links between operations were inferred: the stateful phase did not run"
