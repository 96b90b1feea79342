"""The navigation links modules register (prm.modules.register_nav_link): in the bar or the vendor staff's Partners
menu, and only for the members their predicate allows — a link nobody may follow is a dead end."""

import pytest

from prm import modules
from prm.accounts.permissions import can_configure_tenant


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(modules, "_nav_links", [])
    modules.register_nav_link(label="Everyone's", url_name="catalog:product_list", audience="vendor")
    modules.register_nav_link(
        label="Admins' program page",
        url_name="territories:territory_list",
        audience="vendor",
        allowed=can_configure_tenant,
        menu="partners",
    )


def _menu(page):
    start = page.index('href="/partner-orgs/"')
    return page[start : page.index("</ul>", start)]


def test_a_menu_link_shows_in_the_partners_menu_for_the_members_it_allows(world, registered):
    admin_page = world.client(world.alice).get("/").content.decode()
    manager_page = world.client(world.bob).get("/").content.decode()

    assert "Admins&#x27; program page" in _menu(admin_page) and "Everyone&#x27;s" not in _menu(admin_page)
    assert "Admins&#x27; program page" not in manager_page  # not allowed: and no Partners menu at all
    assert 'href="/partner-orgs/">Partners</a>' in manager_page and "Everyone&#x27;s" in manager_page


@pytest.mark.parametrize(("audience", "menu"), [("partner", "partners"), ("vendor", "settings")])
def test_a_link_names_a_menu_of_its_audiences_navigation(monkeypatch, audience, menu):
    monkeypatch.setattr(modules, "_nav_links", [])
    with pytest.raises(ValueError, match="is not a menu"):
        modules.register_nav_link(label="x", url_name="catalog:product_list", audience=audience, menu=menu)
