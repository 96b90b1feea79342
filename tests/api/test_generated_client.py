"""A typed client generated from the portal's own schema drives a scripted integration, as an integrator would:
the schema is fetched with a token from a running portal, `openapi-python-client` generates a package from it
(into the test's temporary folder) and the script uses only the generated functions and models — create a partner
organisation, invite its admin, upload a POS file, map its columns, poll the job to its end, download its rejects
and list the loaded lines. A schema a generator cannot use (an operation skipped, a warning) fails here, as does an
answer the generated models cannot parse or a status the schema does not list (`raise_on_unexpected_status`).
"""

import csv
import importlib
import io
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from prm.accounts.models import Role
from prm.accounts.services import api_token_create
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of, make_member
from tests.factories import ProductFactory, TenantFactory
from tests.pos.conftest import HEADER, STANDARD_COLUMNS

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
# No post-hooks: the generator would run ruff on the package, which the test does not need (and a CI machine may
# have no ruff on its PATH).
GENERATOR_CONFIG = "post_hooks: []\n"
SALES = (
    "INIT-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INIT-2;2026-03-05;AX-24;-1;120.50;USD;Globex Corp;US\n"
    "INIT-3;2026-03-06;NO-SUCH-SKU;1;10;USD;Hooli;US\n"
)


@pytest.fixture
def portal(live_server_url):
    """acme served by a real server thread; its vendor admin's API token; the address and Host header to use
    (`*.localhost` does not resolve here: requests go to 127.0.0.1 with the tenant's host in `Host`)."""
    tenant = TenantFactory(slug="acme", name="Acme Networks")
    with tenant_scope(tenant):
        ProductFactory(sku="AX-24")
        admin = make_member(Role.VENDOR_ADMIN, email="alice@acme.test")
        _token, key = api_token_create(user=admin, name="Generated client")
    return {
        "base_url": live_server_url.format(host="127.0.0.1"),
        "host": live_server_url.format(host=host_of(tenant)).split("//", 1)[1],
        "key": key,
    }


def fetch_schema(portal, path):
    response = requests.get(
        portal["base_url"] + "/api/schema/",
        headers={"Host": portal["host"], "Authorization": f"Token {portal['key']}", "Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:500]
    path.write_bytes(response.content)


def generate_client(schema_path, folder):
    """Generates a package of a name of its own in `folder` and puts `folder` on sys.path; returns the name."""
    package = f"prm_client_{uuid.uuid4().hex[:12]}"
    config = folder / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    run = subprocess.run(
        [GENERATOR, "generate", "--path", schema_path, "--output-path", folder / package, "--config", config]
        + ["--meta", "none", "--fail-on-warning"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    # The generator reports an operation or a schema it could not generate as a warning, and skips it.
    assert run.returncode == 0 and "Warning" not in output and "Error" not in output, output
    sys.path.insert(0, str(folder))
    return package


@pytest.fixture
def generated(portal, tmp_path):
    fetch_schema(portal, tmp_path / "schema.json")
    package = generate_client(tmp_path / "schema.json", tmp_path)
    try:
        yield lambda name: importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture
def client(portal, generated):
    """The generated client as the vendor admin; closed before the server stops (a kept-alive connection would
    keep the server's database connection open)."""
    with generated("client").AuthenticatedClient(
        base_url=portal["base_url"],
        token=portal["key"],
        prefix="Token",
        headers={"Host": portal["host"]},
        raise_on_unexpected_status=True,
    ) as client:
        yield client


def wait_until_finished(imports_retrieve, client, pos_import, statuses):
    deadline = time.monotonic() + 60
    while pos_import.status not in statuses:
        assert time.monotonic() < deadline, f"the import is still {pos_import.status}"
        time.sleep(0.2)
        pos_import = imports_retrieve.sync(pos_import.id, client=client)
    return pos_import


def test_a_client_generated_from_the_schema_drives_a_partner_onboarding_and_a_pos_import(generated, client):
    models, types = generated("models"), generated("types")

    def call(operation, *args, **kwargs):
        return generated(f"api.v1.{operation}").sync(*args, client=client, **kwargs)

    org = call(
        "v1_partner_orgs_create",
        body=models.PartnerOrgRequest(
            name="Initech Reseller", partner_type=models.PartnerTypeEnum.RESELLER, country=models.CountryEnum.DE
        ),
    )
    invitation = call(
        "v1_invitations_create",
        body=models.InvitationRequest(email="pat@initech.test", role=models.RoleEnum.PARTNER_ADMIN, partner_org=org.id),
    )
    sales_file = types.File(payload=io.BytesIO((HEADER + SALES).encode()), file_name="march.csv", mime_type="text/csv")
    uploaded = call("v1_pos_imports_create", body=models.PosImportUploadRequest(file=sales_file, partner=org.id))
    mapping = call(
        "v1_pos_mappings_create",
        body=models.ColumnMappingCreateRequest(
            pos_import=uploaded.id,
            columns=models.ColumnsRequest(**STANDARD_COLUMNS),
            date_format=models.DateFormatEnum.YYYY_MM_DD,
        ),
    )
    statuses = models.PosImportStatusEnum
    finished = wait_until_finished(
        generated("api.v1.v1_pos_imports_retrieve"), client, uploaded, {statuses.COMPLETED, statuses.FAILED}
    )
    rejects = call("v1_pos_imports_rejects_csv_retrieve", finished.id)
    lines = call("v1_pos_lines_list", partner=org.id)

    assert (org.name, org.partner_type, org.country) == ("Initech Reseller", models.PartnerTypeEnum.RESELLER, "DE")
    assert (invitation.email, invitation.role, invitation.partner_org) == (
        "pat@initech.test",
        models.RoleEnum.PARTNER_ADMIN,
        org.id,
    )
    assert (uploaded.status, uploaded.file_name, uploaded.partner_org) == (statuses.NEEDS_MAPPING, "march.csv", org.id)
    assert (mapping.partner_org, mapping.columns) == (org.id, STANDARD_COLUMNS)
    assert (finished.status, finished.error_code) == (statuses.COMPLETED, "")
    assert (finished.lines_read, finished.lines_accepted, finished.lines_rejected) == (3, 2, 1)
    assert [row[:2] for row in csv.reader(io.StringIO(rejects))][1:] == [["4", "unknown_sku"]]
    assert "NO-SUCH-SKU" in rejects
    assert lines.count == 2
    assert sorted((line.invoice_number, line.sku, line.quantity) for line in lines.results) == [
        ("INIT-1", "AX-24", 3),
        ("INIT-2", "AX-24", -1),
    ]
