"""Home pages (vendor overview, partner's own organisation) and the language switch."""

import html
from pathlib import Path

import pytest
from django.conf import settings

from prm.accounts.models import Membership, PartnerOrg
from prm.tenancy.context import tenant_scope
from tests.factories import ProductFactory


def text_of(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_vendor_home_shows_the_tenants_channel_overview(world):
    with tenant_scope(world.tenant_a):
        ProductFactory(sku="AX-1")
        ProductFactory(sku="AX-2", active=False)
        PartnerOrg.objects.filter(pk=world.org1.pk).update(channel_manager=Membership.objects.get(user=world.bob))
    text = text_of(world.client(world.alice).get("/"))
    assert "Acme Networks Partner Portal — channel overview" in text
    assert 'data-testid="partner-count">2<' in text
    assert "Gamma Partners" not in text
    bob_home = text_of(world.client(world.bob).get("/"))
    assert "Alpha Resellers" in bob_home  # "Partners you manage"
    assert "Beta Distribution" not in bob_home


def test_vendor_home_counts_only_the_own_tenants_partners(world):
    with tenant_scope(world.tenant_b):
        PartnerOrg.objects.create(name="Delta", partner_type=PartnerOrg.Type.RESELLER, country="FR")
    text = text_of(world.client(world.charlie).get("/"))
    assert "Globex Systems Partner Portal — channel overview" in text
    assert 'data-testid="partner-count">2<' in text


def test_partner_home_shows_the_own_organisation_and_colleagues_only(world):
    text = text_of(world.client(world.una).get("/"))
    assert "Welcome to Acme Networks Partner Portal" in text
    assert 'data-testid="partner-org-name">Alpha Resellers<' in text
    assert world.pat.full_name in text
    assert "Beta Distribution" not in text
    assert world.otto.full_name not in text
    assert "channel overview" not in text

    otto_text = text_of(world.client(world.otto).get("/"))
    assert 'data-testid="partner-org-name">Beta Distribution<' in otto_text
    assert "Alpha Resellers" not in otto_text


def test_partners_see_no_vendor_navigation(world):
    text = text_of(world.client(world.pat).get("/"))
    assert 'href="/partner-orgs/"' not in text
    assert "/catalog/price-lists/" not in text and "Catalogue" not in text  # their "Products" is read only
    assert "/branding/" not in text.replace("/branding/logo/", "")
    assert "/audit/" not in text


def test_anonymous_visitor_is_sent_to_sign_in(world):
    response = world.client(None).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def french_catalog():
    mo = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run `manage.py compilemessages` (make setup does it)"


def test_the_language_switch_makes_pages_french(world, french_catalog):
    client = world.client(world.alice)
    english = text_of(client.get("/"))
    assert "All partner organisations" in english
    assert "Sign out" in english

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    french = text_of(client.get("/"))
    assert '<html lang="fr">' in french
    assert "Toutes les organisations partenaires" in french
    assert "Se déconnecter" in french
    assert "Acme Networks Partner Portal — vue d'ensemble du canal" in french
    assert "All partner organisations" not in french


def test_the_language_switch_translates_partner_pages_and_messages_too(world, french_catalog):
    client = world.client(world.una)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Bienvenue sur Acme Networks Partner Portal" in text_of(client.get("/"))
    assert "Tout marquer comme lu" in text_of(client.get("/notifications/"))


def test_switching_back_to_english_restores_english(world, french_catalog):
    client = world.client(world.alice)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "All partner organisations" in text_of(client.get("/"))
