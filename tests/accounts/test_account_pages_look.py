"""allauth's pages (sign-in, password, e-mail addresses, two-factor authentication) look like the rest of the portal:
inside its page (the bar), headings in sentence case at the portal's size (h1 class="h3"), Bootstrap's form classes,
the brand button for the main action and an outline red button for a destructive one, never the brand button
(templates/allauth/elements/, the English wording in locale/en/LC_MESSAGES/django.po); French stays allauth's."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.test import Client

from tests.accounts.helpers import anonymous_client, page_text, sign_in
from tests.conftest import host_of
from tests.factories import PASSWORD, UserFactory


def _main(response):
    assert response.status_code == 200, response.status_code
    text = page_text(response)
    return " ".join(text[text.index("<main") : text.index("</main>")].split())


def _headings(main, level):
    return [(cls, text.strip()) for cls, text in re.findall(rf'<h{level} class="([^"]*)">(.*?)</h{level}>', main)]


def _button_classes(main, label):
    """The classes of every button or link button whose text is `label`."""
    found = re.findall(r'<(?:button|a)[^>]*class="(btn [^"]*)"[^>]*>\s*([^<]*?)\s*</(?:button|a)>', main)
    return [cls for cls, text in found if text == label]


def _code(secret, step=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD + step))


@pytest.fixture
def bob_signed_in(world):
    """bob signed in through the form and just re-authenticated with his password (as allauth asks before
    adding an authenticator)."""
    client = Client(HTTP_HOST=host_of(world.tenant_a))
    sign_in(client, world.tenant_a, "bob@acme.test")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


@pytest.fixture
def alice_with_totp_signed_in(world):
    """alice with TOTP and recovery codes, signed in with both factors and re-authenticated with another code."""
    secret = generate_totp_secret()
    TOTP.activate(world.alice, secret)
    RecoveryCodes.activate(world.alice)
    client = Client(HTTP_HOST=host_of(world.tenant_a))
    sign_in(client, world.tenant_a, "alice@acme.test")
    client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    client.post("/accounts/2fa/reauthenticate/", {"code": _code(secret, 1)})
    return client


def test_the_two_factor_page_is_in_the_portal_with_sentence_case_headings_and_activate_as_the_main_action(
    bob_signed_in,
):
    response = bob_signed_in.get("/accounts/2fa/")
    main = _main(response)

    assert 'data-testid="brand"' in page_text(response)  # the portal's bar
    assert _headings(main, 1) == [("h3", "Two-factor authentication")]
    assert [text for _, text in _headings(main, 2)] == ["Authenticator app", "Recovery codes"]
    assert _button_classes(main, "Activate") == ["btn btn-brand"]


def test_with_an_authenticator_deactivating_it_is_an_outline_red_button_not_the_main_one(alice_with_totp_signed_in):
    index = _main(alice_with_totp_signed_in.get("/accounts/2fa/"))
    confirm = _main(alice_with_totp_signed_in.get("/accounts/2fa/totp/deactivate/"))

    assert _button_classes(index, "Deactivate") == ["btn btn-outline-danger"]
    assert _button_classes(index, "Download") == ["btn btn-outline-secondary"]
    assert _headings(confirm, 1) == [("h3", "Deactivate the authenticator app")]
    assert _button_classes(confirm, "Deactivate") == ["btn btn-outline-danger"]
    assert "btn-brand" not in confirm


def test_replacing_the_recovery_codes_is_an_outline_red_button(alice_with_totp_signed_in):
    main = _main(alice_with_totp_signed_in.get("/accounts/2fa/recovery-codes/generate/"))

    assert _headings(main, 1) == [("h3", "Recovery codes")]
    assert _button_classes(main, "Generate") == ["btn btn-outline-danger"]


def test_activating_an_authenticator_shows_bootstrap_fields_and_the_brand_button(bob_signed_in):
    main = _main(bob_signed_in.get("/accounts/2fa/totp/activate/"))

    assert _headings(main, 1) == [("h3", "Activate an authenticator app")]
    assert re.search(r'<input type="text" name="code"[^>]*class="form-control"', main)
    assert '<label class="form-label" for="id_code">' in main
    assert _button_classes(main, "Activate") == ["btn btn-brand"]


def test_the_e_mail_page_removes_an_address_with_an_outline_red_button_after_the_main_action(world):
    main = _main(world.client(world.alice).get("/accounts/email/"))

    assert _headings(main, 1) == [("h3", "E-mail addresses")]
    assert _headings(main, 2) == [("h5 mt-4", "Add an e-mail address")]
    assert _button_classes(main, "Make primary") == ["btn btn-brand"]
    assert _button_classes(main, "Re-send verification") == ["btn btn-outline-secondary"]
    assert _button_classes(main, "Remove") == ["btn btn-outline-danger"]
    assert main.index("Make primary") < main.index("Remove")  # Enter submits the first button, not the removal
    assert 'class="form-check-input"' in main


def test_the_password_page_has_sentence_case_heading_labels_and_bootstrap_fields(world):
    main = _main(world.client(world.alice).get("/accounts/password/change/"))

    assert _headings(main, 1) == [("h3", "Change password")]
    labels = re.findall(r'<label class="form-label" for="[^"]*">([^<]*)</label>', main)
    assert labels == ["Current password", "New password", "New password (again)"]
    assert main.count('class="form-control"') == 3
    assert _button_classes(main, "Change password") == ["btn btn-brand"]


def test_the_pages_before_signing_in_are_a_card_like_the_sign_in_page(world):
    client = anonymous_client(world.tenant_a)
    sign_in_page = _main(client.get("/accounts/login/"))
    reset = _main(client.get("/accounts/password/reset/"))

    for main in (sign_in_page, reset):
        assert '<div class="card shadow-sm mt-3">' in main
        assert main.count('<div class="card ') == 1  # the sign-in page's own card is the layout's
    assert _headings(reset, 1) == [("h3", "Password reset")]
    assert _button_classes(reset, "Reset my password") == ["btn btn-brand"]
    assert "Remember me" in sign_in_page


def test_in_french_the_pages_keep_allauths_french_wording(alice_with_totp_signed_in):
    main = _main(alice_with_totp_signed_in.get("/accounts/2fa/", HTTP_ACCEPT_LANGUAGE="fr"))

    assert _headings(main, 1) == [("h3", "Authentification à deux facteurs")]
    assert _button_classes(main, "Désactiver") == ["btn btn-outline-danger"]


def test_the_platform_hosts_sign_in_uses_the_same_layout_in_its_own_page(db):
    UserFactory(email="ops@platform.test", is_staff=True, is_superuser=True)
    response = Client(HTTP_HOST=settings.PRM_PLATFORM_HOST).get("/accounts/password/reset/")
    main = _main(response)

    assert '<div class="card shadow-sm mt-3">' in main
    assert _headings(main, 1) == [("h3", "Password reset")]


@pytest.mark.parametrize("page", ["/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/generate/"])
def test_a_two_factor_confirmation_page_offers_a_way_back(alice_with_totp_signed_in, page):
    main = _main(alice_with_totp_signed_in.get(page))

    assert '<a href="/accounts/2fa/" class="btn btn-link px-0"' in main
    assert "> Cancel </a>" in main
