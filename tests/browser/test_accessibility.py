"""Every page the navigation offers a role passes axe-core (no serious or critical violation, colour contrast
included) and is no wider than the screen: in English at 1280 px for every page; at 1280 and 390 px in English and
French for the home page, with each of the navigation bar's menus open. Each role's home page is saved as a
screenshot to run/screenshots/.

axe-core comes from npm (package.json's devDependencies, installed by `make assets`). The test serves it to the
browser at an address of the page's own host, so the page's Content-Security-Policy (`script-src 'self'`) lets
the one injected script in and stays in force for everything else."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from partners.models import PartnerApplication
from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from tests.browser.conftest import sign_in
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, TenantFactory
from tests.factories.populate import populate_tenant

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__browser-tests__/axe.min.js"  # no portal route: the test answers it (page.route)
SCREENSHOTS = REPO / "run" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIGN_INS = {
    "vendor-admin": "admin@acme.test",
    "channel-manager": "cm@acme.test",
    "partner-admin": "pat@northwind.test",
    "partner-user": "una@northwind.test",
}

# axe's serious and critical violations, and text in the colour of its background: axe only "needs review" a 1:1
# contrast (it might be text hidden on purpose), but visible text that cannot be read is the worst contrast there is.
# Not checked: the widget Swagger UI renders into the API docs page (#swagger-ui), third-party markup whose every
# operation nests a button in a button (axe's nested-interactive); its colours are darkened in static/css/swagger.css.
RUN_AXE = """async () => {
    const results = await axe.run({exclude: [['#swagger-ui']]}, {resultTypes: ['violations', 'incomplete']});
    const node = (rule, impact, summary) => n => ({
        rule, impact, target: n.target.join(' '),
        summary: rule === 'color-contrast' ? `${summary}: ${n.any[0].message}` : summary,
    });
    const violations = results.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .flatMap(v => v.nodes.map(node(v.id, v.impact, v.help)));
    const invisible = results.incomplete
        .filter(r => r.id === 'color-contrast')
        .flatMap(r => r.nodes.filter(n => n.any.some(check => check.data && check.data.messageKey === 'equalRatio'))
            .map(node(r.id, 'serious', 'Text in the colour of its background')));
    return [...violations, ...invisible];
}"""
PAGE_WIDTH = "({page: document.documentElement.scrollWidth, viewport: window.innerWidth})"
NAVIGATION_LINKS = """() => [...document.querySelectorAll('nav a[href]')]
    .map(a => a.href).filter(href => href.startsWith(location.origin) && !href.includes('#'))"""


@pytest.fixture
def portal(live_server_url):
    """A tenant with a member of each role and one object of every tenant model, so tables and cards have rows."""
    tenant = TenantFactory(name="Acme Networks", slug="acme", portal_name="Acme Partner Network")
    with tenant_scope(tenant):
        org = PartnerOrgFactory(name="Northwind Distribution")
        admin = make_member(Role.VENDOR_ADMIN, email=SIGN_INS["vendor-admin"])
        manager = make_member(Role.CHANNEL_MANAGER, email=SIGN_INS["channel-manager"])
        org.channel_manager = manager.memberships.get()
        org.save(update_fields=["channel_manager"])
        make_member(Role.PARTNER_ADMIN, org, email=SIGN_INS["partner-admin"])
        make_member(Role.PARTNER_USER, org, email=SIGN_INS["partner-user"])
        populate_tenant(tenant, admin_membership=admin.memberships.get(), partner_org=org, marker="ALPHA")
    return live_server_url.format(host="acme.localhost")


def serve_axe(page, base_url):
    page.route(f"{base_url}{AXE_PATH}", lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))


def problems_on(page, label):
    """axe's serious and critical violations and a page wider than the viewport, one readable line each."""
    page.add_script_tag(url=AXE_PATH)
    problems = [
        f"{label}: {v['impact']} {v['rule']} at {v['target']}: {' '.join(v['summary'].split())}"
        for v in page.evaluate(RUN_AXE)
    ]
    width = page.evaluate(PAGE_WIDTH)
    if width["page"] > width["viewport"]:
        problems.append(f"{label}: {width['page']} px wide in a {width['viewport']} px viewport")
    return problems


def open_navigation(page):
    if page.is_visible(".navbar-toggler"):
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")


def menu_problems(page, label):
    """The problems on the page with each of the bar's menus open in turn (the user menu, the settings)."""
    problems = []
    for toggle in page.locator("#nav [data-bs-toggle=dropdown]").all():
        toggle.click()
        page.wait_for_selector("#nav .dropdown-menu.show")
        problems += problems_on(page, f"{label}, menu {toggle.inner_text().strip()!r} open")
    return problems


def home_page_problems(page, base_url, role, language):
    """The home page at each width with each menu open, saved as run/screenshots/<role>-<language>-<width>.png."""
    problems = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(base_url)
        page.screenshot(path=SCREENSHOTS / f"{role}-{language}-{viewport['width']}.png", full_page=True)
        open_navigation(page)
        problems += menu_problems(page, f"home, {language}, {viewport['width']} px")
    return problems


@pytest.mark.parametrize("role", SIGN_INS)
def test_each_page_in_the_navigation_is_accessible_and_fits_the_screen(portal, browser, role):
    page = browser.new_page(viewport=DESKTOP)
    serve_axe(page, portal)
    sign_in(page, portal, SIGN_INS[role])
    links = dict.fromkeys([page.url, *page.evaluate(NAVIGATION_LINKS)])
    problems = []
    for url in links:
        response = page.goto(url, wait_until="networkidle")  # what a page renders from its own requests, too
        assert response.ok, f"{url}: {response.status}"
        problems += problems_on(page, urlsplit(url).path)
    problems += home_page_problems(page, portal, role, "en")
    with page.expect_navigation():
        page.select_option("select[name=language]", "fr")
    problems += home_page_problems(page, portal, role, "fr")
    page.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def application_path(portal):
    with tenant_scope(Tenant.objects.get(slug="acme")):
        return f"/partners/applications/{PartnerApplication.objects.get().pk}/"


def test_the_become_a_partner_page_and_an_application_are_accessible_and_fit_the_screen(
    portal, application_path, browser
):
    """The public page (signed out, with its errors shown) and an application's review page, which no navigation
    link reaches, at both widths."""
    problems = []
    for viewport in (DESKTOP, PHONE):
        page = browser.new_page(viewport=viewport)
        serve_axe(page, portal)
        page.goto(f"{portal}/partners/apply/")
        problems += problems_on(page, f"apply, {viewport['width']} px")
        with page.expect_navigation():
            page.click("[data-testid=application-form] button")  # every field empty: the errors on the page
        problems += problems_on(page, f"apply with errors, {viewport['width']} px")
        sign_in(page, portal, SIGN_INS["channel-manager"])
        page.goto(portal + application_path)
        problems += problems_on(page, f"application, {viewport['width']} px")
        page.close()
    assert problems == [], "\n".join(problems)


def test_the_tier_pages_no_navigation_link_reaches_are_accessible(portal, browser):
    """The tier form and the tier history, which the tier list links to, at 1280 px."""
    page = browser.new_page(viewport=DESKTOP)
    serve_axe(page, portal)
    sign_in(page, portal, SIGN_INS["vendor-admin"])
    problems = []
    for path in ("/partners/tiers/new/", "/partners/tiers/history/"):
        response = page.goto(portal + path)
        assert response.ok, f"{path}: {response.status}"
        problems += problems_on(page, path)
    page.close()
    assert problems == [], "\n".join(problems)
