"""Every download, as a user receives it from a real server: a portal served by its own thread and database
connection (`live_server_url`), data committed, a member signed in through the sign-in form. A streamed body is
read after the request's transaction has committed and the middleware has left the tenant scope — in a test inside
one transaction (Django's test client) every export looked right while the running portal sent only headers."""

import csv
import io
import re

import openpyxl
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from pos.models import PosLine
from pos.services.imports import column_mapping_save, pos_import_create
from prm.accounts.models import Membership, Role
from prm.exports import rows_in_own_transaction
from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import PASSWORD, PartnerOrgFactory, ProductFactory, TenantFactory
from tests.pos.conftest import STANDARD_COLUMNS, csv_file

ACME_LINES = (
    "ACME-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "ACME-2;2026-03-05;AX-24;-1;120.50;USD;Globex Corp;US\n"
    "ACME-3;2026-03-06;NOPE;1;10;USD;Hooli;US\n"
)
GLOBEX_LINES = "GLOBEX-1;2026-04-01;AX-24;5;900;EUR;Umbrella Ltd;GB\nGLOBEX-2;2026-04-02;BAD;1;1;EUR;Wayne;FR\n"


def _logo():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _load(user, lines):
    """`lines` uploaded and mapped by `user`; the task runs eagerly once each service has committed."""
    member = Membership.objects.select_related("partner_org", "user").get(user=user)
    pos_import = pos_import_create(actor_membership=member, upload=csv_file(lines))
    column_mapping_save(
        actor_membership=member,
        pos_import=pos_import,
        name="",
        columns=STANDARD_COLUMNS,
        date_format="YYYY-MM-DD",
        decimal_separator=".",
        default_currency="",
    )
    pos_import.refresh_from_db()
    assert pos_import.status == "completed"
    return pos_import


def _tenant_with_an_import(slug, lines, email):
    """A tenant whose partner admin (`email`) loaded `lines` (one of them rejected), and a logo."""
    tenant = TenantFactory(slug=slug, name=slug.title())
    with tenant_scope(tenant):
        ProductFactory(sku="AX-24")
        org = PartnerOrgFactory()
        user = make_member(Role.PARTNER_ADMIN, org, email=email)
        pos_import = _load(user, lines)
        tenant.logo = stored_file_create(
            upload=_logo(), purpose=StoredFile.Purpose.LOGO, allowed={"image"}, public=True
        )
        tenant.save(update_fields=["logo"])
    return tenant, user, pos_import


@pytest.fixture
def portals(live_server_url):
    acme = _tenant_with_an_import("acme", ACME_LINES, "pat@alpha.test")
    globex = _tenant_with_an_import("globex", GLOBEX_LINES, "bea@gamma.test")
    return {"acme": acme, "globex": globex, "url": live_server_url}


class Portal:
    """A browser-like client of one tenant's host: cookies, CSRF token, signed in through the sign-in form."""

    def __init__(self, url, host):
        self.base = url.format(host="127.0.0.1")
        self.session = requests.Session()
        self.session.headers["Host"] = url.format(host=host).split("//", 1)[1]

    def get(self, path):
        response = self.session.get(self.base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    def sign_in(self, email):
        form = self.get("/accounts/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        answer = self.session.post(
            self.base + "/accounts/login/",
            data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:500]
        return self


def csv_rows(response):
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def xlsx_rows(response):
    return [
        list(row) for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    ]


def test_every_export_sends_its_rows_from_a_real_server_and_none_of_another_tenant(portals):
    _, pat, acme_import = portals["acme"]
    portal = Portal(portals["url"], "acme.localhost").sign_in(pat.email)
    rejects = f"/pos/imports/{acme_import.pk}/rejects"

    lines_csv = csv_rows(portal.get("/pos/lines/export.csv"))
    lines_xlsx = xlsx_rows(portal.get("/pos/lines/export.xlsx"))
    rejects_csv = csv_rows(portal.get(rejects + ".csv"))
    rejects_xlsx = xlsx_rows(portal.get(rejects + ".xlsx"))
    api_rejects_csv = csv_rows(portal.get(f"/api/v1/pos/imports/{acme_import.pk}/rejects.csv"))

    for lines in (lines_csv, lines_xlsx):
        assert sorted(row[1] for row in lines[1:]) == ["ACME-1", "ACME-2"]
    for table in (rejects_csv, rejects_xlsx, api_rejects_csv):
        assert [(str(row[0]), row[1]) for row in table[1:]] == [("4", "unknown_sku")]
    every_cell = str([lines_csv, lines_xlsx, rejects_csv, rejects_xlsx, api_rejects_csv])
    assert "GLOBEX" not in every_cell and "Umbrella" not in every_cell


def test_the_uploaded_file_and_the_logo_download_from_a_real_server(portals):
    _, pat, acme_import = portals["acme"]
    portal = Portal(portals["url"], "acme.localhost")

    logo = portal.get("/branding/logo/")
    uploaded = portal.sign_in(pat.email).get(f"/files/{acme_import.file_id}/")

    assert logo.headers["Content-Type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    assert uploaded.content.decode().endswith(ACME_LINES)


def test_another_tenants_export_and_files_answer_404_on_a_real_server(portals):
    _, bea, _ = portals["globex"]
    _, _, acme_import = portals["acme"]
    portal = Portal(portals["url"], "globex.localhost").sign_in(bea.email)

    for path in (
        f"/pos/imports/{acme_import.pk}/rejects.csv",
        f"/pos/imports/{acme_import.pk}/rejects.xlsx",
        f"/api/v1/pos/imports/{acme_import.pk}/rejects.csv",
        f"/files/{acme_import.file_id}/",
    ):
        assert portal.session.get(portal.base + path, timeout=30).status_code == 404, path
    own_lines = csv_rows(portal.get("/pos/lines/export.csv"))
    assert [row[1] for row in own_lines[1:]] == ["GLOBEX-1"]


def test_an_export_reads_on_a_cursor_that_ends_with_its_own_transaction(portals):
    """Safe behind a transaction-pooling PgBouncer: no cursor WITH HOLD outliving a transaction (the next FETCH
    could reach another server connection)."""
    acme, _, _ = portals["acme"]
    with tenant_scope(acme):
        rows = rows_in_own_transaction(PosLine.objects.values_list("invoice_number").iterator(chunk_size=1))
    first = next(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        cursors = cursor.fetchall()
    in_transaction = connection.in_atomic_block
    rest = list(rows)

    assert cursors == [(False,)] and in_transaction
    assert sorted([first, *rest]) == [("ACME-1",), ("ACME-2",)]
    assert not connection.in_atomic_block
