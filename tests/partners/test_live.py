"""The application queue's exports and the public page as a real server sends them (committed data, a thread of its
own, the export streamed after the request's transaction): every listed application, none of another tenant."""

from partners.services.applications import application_submit
from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import TenantFactory
from tests.live.test_downloads import Portal, csv_rows, xlsx_rows
from tests.partners.test_applications import API_BODY


def _tenant_with_an_application(slug, company):
    tenant = TenantFactory(slug=slug, name=slug.title())
    with tenant_scope(tenant):
        admin = make_member(Role.VENDOR_ADMIN, email=f"admin@{slug}.test")
        application_submit(**{**API_BODY, "company_name": company, "website": f"{slug}-applicant.com"})
    return admin


def test_the_queue_exports_its_applications_from_a_real_server(live_server_url):
    admin = _tenant_with_an_application("acme", "Brightpath Solutions")
    _tenant_with_an_application("globex", "Umbrella Applicant")
    portal = Portal(live_server_url, "acme.localhost").sign_in(admin.email)

    exported_csv = csv_rows(portal.get("/partners/applications/export.csv"))
    exported_xlsx = xlsx_rows(portal.get("/partners/applications/export.xlsx"))

    for table in (exported_csv, exported_xlsx):
        assert table[0][:3] == ["submitted_at", "company", "partner_type"]
        assert [(row[1], row[6]) for row in table[1:]] == [("Brightpath Solutions", "campus networks")]
    assert "Umbrella" not in str([exported_csv, exported_xlsx])


def test_anyone_applies_through_a_real_server(live_server_url):
    _tenant_with_an_application("acme", "First Applicant")
    portal = Portal(live_server_url, "acme.localhost")

    answer = portal.session.post(
        portal.base + "/api/v1/partners/applications/", json={**API_BODY, "company_name": "Second"}, timeout=30
    )

    assert answer.status_code == 201 and answer.json()["status"] == "submitted"
