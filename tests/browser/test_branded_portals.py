import pytest

from prm.accounts.models import Role
from prm.tenancy.context import tenant_scope
from tests.browser.conftest import sign_in
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, TenantFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def portals(live_server_url):
    acme = TenantFactory(
        name="Acme Networks", slug="acme", portal_name="Acme Partner Network", primary_colour="#0b3d91"
    )
    globex = TenantFactory(
        name="Globex Systems", slug="globex", portal_name="Globex Channel Hub", primary_colour="#1b5e20"
    )
    with tenant_scope(acme):
        org = PartnerOrgFactory(name="Northwind Distribution")
        make_member(Role.VENDOR_ADMIN, email="admin@acme.test")
        make_member(Role.PARTNER_USER, org, email="rep@northwind.test")
    with tenant_scope(globex):
        make_member(Role.VENDOR_ADMIN, email="admin@globex.test")
    return {
        "acme": live_server_url.format(host="acme.localhost"),
        "globex": live_server_url.format(host="globex.localhost"),
    }


def brand_colour(page):
    return page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand-primary').trim()")


def test_each_tenants_host_shows_its_own_brand_before_and_after_sign_in(portals, browser):
    page = browser.new_page()
    for slug, email, portal_name, other_name, colour in (
        ("acme", "admin@acme.test", "Acme Partner Network", "Globex Channel Hub", "#0b3d91"),
        ("globex", "admin@globex.test", "Globex Channel Hub", "Acme Partner Network", "#1b5e20"),
    ):
        page.goto(f"{portals[slug]}/accounts/login/")
        assert portal_name in page.inner_text("[data-testid=sign-in-title]")
        assert brand_colour(page) == colour
        sign_in(page, portals[slug], email)
        assert page.url.rstrip("/") == portals[slug]
        assert page.inner_text("[data-testid=brand]").strip() == portal_name
        assert other_name not in page.content()
        assert brand_colour(page) == colour
    page.close()


def test_a_user_of_one_tenant_cannot_sign_in_on_another_tenants_host(portals, browser):
    page = browser.new_page()
    sign_in(page, portals["globex"], "admin@acme.test")
    assert "/accounts/login/" in page.url
    assert page.locator("[data-testid=brand]").count() == 1
    page.goto(f"{portals['globex']}/partner-orgs/")
    assert "/accounts/login/" in page.url
    page.close()


def test_a_partner_user_cannot_open_the_vendor_pages(portals, browser):
    page = browser.new_page()
    sign_in(page, portals["acme"], "rep@northwind.test")
    assert "Northwind Distribution" in page.inner_text("[data-testid=partner-org-name]")
    nav = page.inner_text("nav")
    assert "Partners" not in nav and "Catalogue" not in nav
    # The product list is theirs too (read only, tests/catalog/test_partner_catalogue.py); its staff pages are not.
    for path in (
        "/partner-orgs/",
        "/catalog/price-lists/",
        "/catalog/products/new/",
        "/users/",
        "/audit/",
        "/branding/",
    ):
        response = page.goto(f"{portals['acme']}{path}")
        assert response.status == 403, path
        assert "Not allowed" in page.content()
    page.close()


def test_the_navigation_collapses_on_a_phone(portals, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, portals["acme"], "admin@acme.test")
    assert page.is_visible(".navbar-toggler")
    assert not page.is_visible("#nav")
    page.click(".navbar-toggler")
    page.wait_for_selector("#nav.show")
    assert page.is_visible("text=Partners")
    page.close()


def test_the_language_switch_and_the_api_docs_work_under_the_content_security_policy(portals, browser):
    page = browser.new_page()
    sign_in(page, portals["acme"], "admin@acme.test")
    with page.expect_navigation():
        page.select_option("select[name=language]", "fr")  # submitted by static/js/portal.js, not an inline handler
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"{portals['acme']}/api/docs/")
    page.wait_for_selector("#swagger-ui .info .title")  # Swagger UI ran its init script, a file of its own
    assert "PRM portal API" in page.inner_text("#swagger-ui .info .title")
    page.close()


def test_an_inline_script_is_refused_and_reported(portals, browser):
    page = browser.new_page()
    page.goto(f"{portals['acme']}/accounts/login/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                             document.body.append(s); }""")
    assert page.evaluate("window.ran") is None
    assert any("Content Security Policy" in problem for problem in browser.problems)
    browser.problems.clear()  # the one violation this test caused on purpose
    page.close()


def test_a_progress_bar_gets_its_width_from_the_portals_script_when_htmx_swaps_it_in(portals, browser):
    page = browser.new_page()
    sign_in(page, portals["acme"], "admin@acme.test")
    width = page.evaluate("""() => {
        const bar = document.createElement('div');
        bar.className = 'progress-bar';
        bar.dataset.progressPercent = '42';
        document.querySelector('main').append(bar);
        htmx.trigger(bar, 'htmx:load');  // what htmx fires on a swapped-in piece of page (the import progress)
        return bar.style.width;
    }""")
    assert width == "42%"
    page.close()
