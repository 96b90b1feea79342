"""The data-quality page's charts are drawn in the browser (Chart.js from the portal's own host, no Content-Security-
Policy violation or script error: the `browser` fixture fails the test on either), and the page with its charts'
tables open passes axe-core and fits the screen, at 1280 and 390 px, for vendor staff and for a partner; saved as
run/screenshots/data-quality-<role>-<width>.png."""

import datetime
from decimal import Decimal

import pytest

from pos.models import PosSalesRollup
from prm.accounts.models import Role
from prm.catalog.models import Product
from prm.tenancy.context import tenant_scope
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import DESKTOP, PHONE, SCREENSHOTS, problems_on, serve_axe
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, TenantFactory
from tests.factories.populate import populate_tenant

pytestmark = pytest.mark.browser

SIGN_INS = {"vendor-admin": "admin@acme.test", "partner-admin": "pat@northwind.test"}
CHARTS = ("accept-rate", "sales-by-partner", "sales-by-family")
# The drawn pixels of each chart's canvas (none on a canvas left blank).
DRAWN_PIXELS = """() => [...document.querySelectorAll('figure[data-chart] canvas')].map(canvas => {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let alpha = 3; alpha < pixels.length; alpha += 4) { if (pixels[alpha]) drawn++; }
    return drawn;
})"""


@pytest.fixture
def portal(live_server_url):
    """Northwind's completed report (populate_tenant) and sales of this month for it and for a second partner."""
    tenant = TenantFactory(name="Acme Networks", slug="acme", portal_name="Acme Partner Network")
    with tenant_scope(tenant):
        org = PartnerOrgFactory(name="Northwind Distribution")
        admin = make_member(Role.VENDOR_ADMIN, email="admin@acme.test")
        make_member(Role.PARTNER_ADMIN, org, email="pat@northwind.test")
        populate_tenant(tenant, admin_membership=admin.memberships.get(), partner_org=org, marker="ALPHA")
        month = datetime.date.today().replace(day=1)
        for partner_org, amount in ((org, "1250.50"), (PartnerOrgFactory(name="Contoso Trading"), "830")):
            PosSalesRollup.objects.create(
                partner_org=partner_org,
                product=Product.objects.first(),
                month=month,
                currency="USD",
                quantity=3,
                amount=Decimal(amount),
                amount_reporting=Decimal(amount),
                line_count=1,
                lines_without_rate=0,
            )
    return live_server_url.format(host="acme.localhost")


def open_charts(page, base_url, viewport):
    """The data-quality page once its charts are drawn, with their tables shown."""
    page.set_viewport_size(viewport)
    page.goto(f"{base_url}/pos/quality/", wait_until="networkidle")
    page.wait_for_function("document.querySelectorAll('figure[data-chart-drawn]').length === 3")
    for summary in page.locator("figure[data-chart] summary").all():
        summary.click()


@pytest.mark.parametrize("role", SIGN_INS)
def test_the_data_quality_charts_are_drawn_and_accessible(portal, browser, role):
    page = browser.new_page(viewport=DESKTOP)
    serve_axe(page, portal)
    sign_in(page, portal, SIGN_INS[role])
    problems = []
    for viewport in (DESKTOP, PHONE):
        open_charts(page, portal, viewport)
        page.screenshot(path=SCREENSHOTS / f"data-quality-{role}-{viewport['width']}.png", full_page=True)
        assert all(pixels > 1000 for pixels in page.evaluate(DRAWN_PIXELS))
        for chart_id in CHARTS:
            assert page.locator(f'[data-testid="chart-table-{chart_id}"]').is_visible()
        problems += problems_on(page, f"data quality, {viewport['width']} px")
    page.close()
    assert problems == [], "\n".join(problems)
