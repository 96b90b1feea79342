"""Signing in: through allauth's real form on the tenant's host, only as a member of that tenant, with the
session bound to the tenant it signed in on, rate limited, with TOTP as a second factor when the user has it,
on a sign-in page branded for the host's tenant; and what a partner may not open once signed in."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY
from django.test import Client

from prm.accounts.middleware import SESSION_TENANT_KEY
from prm.accounts.models import Role
from prm.accounts.services import membership_deactivate
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import anonymous_client, membership_of, page_text, sign_in
from tests.conftest import host_of
from tests.factories import PASSWORD, MembershipFactory

WRONG_PASSWORD_ERROR = "The email address and/or password you specified are not correct."
RATE_LIMIT_ERROR = "Too many failed login attempts. Try again later."
# Partners read the product list (tests/catalog/test_partner_catalogue.py); the catalogue's price lists are staff's.
VENDOR_PAGES = ["/partner-orgs/", "/catalog/price-lists/", "/audit/", "/branding/"]


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def _form_errors(response):
    return response.context["form"].non_field_errors()


def _is_sent_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- password sign-in and the tenant -----------------------------------------------------------------------


def test_signing_in_through_the_form_on_the_tenants_host_opens_the_portal(world):
    client = Client()

    response = sign_in(client, world.tenant_a, "alice@acme.test")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(world.alice.pk)
    assert client.session[SESSION_TENANT_KEY] == str(world.tenant_a.pk)
    home = client.get("/", HTTP_HOST=host_of(world.tenant_a))
    assert home.status_code == 200
    assert "alice@acme.test" in page_text(home)


def test_a_user_of_tenant_a_cannot_sign_in_on_tenant_bs_host_and_sees_the_wrong_password_error(world):
    wrong_password = sign_in(Client(), world.tenant_b, "charlie@globex.test", "not-the-password-1")
    client = Client()

    response = sign_in(client, world.tenant_b, "alice@acme.test", PASSWORD)

    assert response.status_code == 200
    assert _form_errors(response) == _form_errors(wrong_password) == [WRONG_PASSWORD_ERROR]
    assert _signed_in_user_id(client) is None
    assert _is_sent_to_sign_in(client.get("/", HTTP_HOST=host_of(world.tenant_b)))


def test_a_session_signed_in_on_tenant_a_is_signed_out_on_tenant_bs_host(world):
    client = Client()
    assert sign_in(client, world.tenant_a, "alice@acme.test").status_code == 302
    assert client.get("/", HTTP_HOST=host_of(world.tenant_a)).status_code == 200

    response = client.get("/", HTTP_HOST=host_of(world.tenant_b))

    assert _is_sent_to_sign_in(response)
    assert _signed_in_user_id(client) is None
    # The session is ended, not merely hidden on B: it no longer works on A either.
    assert _is_sent_to_sign_in(client.get("/", HTTP_HOST=host_of(world.tenant_a)))


def test_a_session_bound_to_tenant_a_is_signed_out_on_b_even_when_the_user_is_also_a_member_of_b(world):
    with tenant_scope(world.tenant_b):
        MembershipFactory(user=world.alice, role=Role.ANALYST)
    client = Client()
    assert sign_in(client, world.tenant_a, "alice@acme.test").status_code == 302

    response = client.get("/", HTTP_HOST=host_of(world.tenant_b))

    assert _is_sent_to_sign_in(response)
    assert _signed_in_user_id(client) is None
    # Signing in on B itself is what opens B.
    assert sign_in(client, world.tenant_b, "alice@acme.test").status_code == 302
    assert client.get("/", HTTP_HOST=host_of(world.tenant_b)).status_code == 200


def test_a_deactivated_membership_is_signed_out_at_the_next_request(world):
    client = Client()
    assert sign_in(client, world.tenant_a, "una@alpha.test").status_code == 302
    assert client.get("/", HTTP_HOST=host_of(world.tenant_a)).status_code == 200
    with tenant_scope(world.tenant_a):
        membership_deactivate(
            membership=membership_of(world.una, world.tenant_a),
            actor_membership=membership_of(world.pat, world.tenant_a),
            reason="Left the company",
        )

    response = client.get("/", HTTP_HOST=host_of(world.tenant_a))

    assert _is_sent_to_sign_in(response)
    assert _signed_in_user_id(client) is None
    # And the password no longer opens the portal.
    again = sign_in(client, world.tenant_a, "una@alpha.test")
    assert again.status_code == 200
    assert _form_errors(again) == [WRONG_PASSWORD_ERROR]


def test_after_five_wrong_passwords_even_the_right_password_is_refused(world):
    client = Client()
    for _attempt in range(5):
        response = sign_in(client, world.tenant_a, "alice@acme.test", "wrong-password-123")
        assert _form_errors(response) == [WRONG_PASSWORD_ERROR]

    response = sign_in(client, world.tenant_a, "alice@acme.test", PASSWORD)

    assert response.status_code == 200
    assert _form_errors(response) == [RATE_LIMIT_ERROR]
    assert RATE_LIMIT_ERROR in page_text(response)
    assert _signed_in_user_id(client) is None
    assert _is_sent_to_sign_in(client.get("/", HTTP_HOST=host_of(world.tenant_a)))


def test_four_wrong_passwords_do_not_lock_out_the_right_one(world):
    client = Client()
    for _attempt in range(4):
        sign_in(client, world.tenant_a, "alice@acme.test", "wrong-password-123")

    response = sign_in(client, world.tenant_a, "alice@acme.test", PASSWORD)

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(world.alice.pk)


# --- TOTP ---------------------------------------------------------------------------------------------------


def _totp_codes_valid_now(secret):
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    tolerance = mfa_settings.TOTP_TOLERANCE
    return [format_hotp_value(hotp_value(secret, counter + i)) for i in range(-tolerance - 1, tolerance + 2)]


@pytest.fixture
def alice_with_totp(world):
    """alice with an activated TOTP authenticator (allauth's own API); returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(world.alice, secret)
    return secret


def test_with_totp_the_password_leads_to_the_second_factor_step_not_to_the_portal(world, alice_with_totp):
    client = Client()

    response = sign_in(client, world.tenant_a, "alice@acme.test")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert _signed_in_user_id(client) is None
    assert _is_sent_to_sign_in(client.get("/", HTTP_HOST=host_of(world.tenant_a)))


def test_with_totp_the_right_code_completes_sign_in(world, alice_with_totp):
    client = Client()
    sign_in(client, world.tenant_a, "alice@acme.test")
    code = format_hotp_value(hotp_value(alice_with_totp, int(time.time()) // mfa_settings.TOTP_PERIOD))

    response = client.post("/accounts/2fa/authenticate/", {"code": code}, HTTP_HOST=host_of(world.tenant_a))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(world.alice.pk)
    assert client.session[SESSION_TENANT_KEY] == str(world.tenant_a.pk)
    assert client.get("/", HTTP_HOST=host_of(world.tenant_a)).status_code == 200


def test_with_totp_a_wrong_code_does_not_sign_in(world, alice_with_totp):
    client = Client()
    sign_in(client, world.tenant_a, "alice@acme.test")
    valid = _totp_codes_valid_now(alice_with_totp)
    wrong = next(c for c in ("000000", "123456", "654321", "999999") if c not in valid)

    response = client.post("/accounts/2fa/authenticate/", {"code": wrong}, HTTP_HOST=host_of(world.tenant_a))

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Incorrect code."]
    assert _signed_in_user_id(client) is None
    assert _is_sent_to_sign_in(client.get("/", HTTP_HOST=host_of(world.tenant_a)))


DEACTIVATE_TOTP = "/accounts/2fa/totp/deactivate/"


def _has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_removing_the_authenticator_asks_for_its_code_and_a_password_is_not_enough(world, alice_with_totp):
    client = world.client(world.alice)

    asked = client.post(DEACTIVATE_TOTP)
    by_password = client.post(f"/accounts/reauthenticate/?next={DEACTIVATE_TOTP}", {"password": PASSWORD})

    assert asked.status_code == by_password.status_code == 302
    assert asked["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert by_password["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.post(DEACTIVATE_TOTP)["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert _has_totp(world.alice)


def test_removing_the_authenticator_works_after_reauthenticating_with_its_code(world, alice_with_totp):
    client = world.client(world.alice)
    client.post(DEACTIVATE_TOTP)
    code = format_hotp_value(hotp_value(alice_with_totp, int(time.time()) // mfa_settings.TOTP_PERIOD))

    response = client.post(f"/accounts/2fa/reauthenticate/?next={DEACTIVATE_TOTP}", {"code": code})

    assert response.status_code == 302
    assert not _has_totp(world.alice)


# --- branding of the sign-in page ---------------------------------------------------------------------------


def test_the_sign_in_page_shows_the_portal_name_of_the_hosts_tenant(world):
    page_a = page_text(anonymous_client(world.tenant_a).get("/accounts/login/"))
    page_b = page_text(anonymous_client(world.tenant_b).get("/accounts/login/"))

    assert "Sign in to Acme Networks Partner Portal" in page_a
    assert "Globex" not in page_a
    assert "Sign in to Globex Systems Partner Portal" in page_b
    assert "Acme" not in page_b


# --- partner users and vendor pages -------------------------------------------------------------------------


@pytest.mark.parametrize("url", VENDOR_PAGES)
@pytest.mark.parametrize("who", ["pat", "una"])
def test_a_partner_user_opening_a_vendor_page_gets_403(world, who, url):
    response = world.client(getattr(world, who)).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", VENDOR_PAGES)
def test_the_vendor_admin_opens_the_vendor_pages(world, url):
    assert world.client(world.alice).get(url).status_code == 200


# --- the failed-login limit: one key per person and portal ----------------------------------------------------


def _attacker(number):
    """A client from its own address, so that only the per-person limit (not the per-address one) can stop it."""
    return Client(REMOTE_ADDR=f"10.0.0.{number}")


def test_colleagues_behind_one_address_are_not_locked_out_by_each_others_typos(world):
    office = Client(REMOTE_ADDR="192.0.2.10")
    with tenant_scope(world.tenant_a):
        colleagues = [MembershipFactory(role=Role.ANALYST).user for _ in range(6)]
    for colleague in colleagues:
        assert _form_errors(sign_in(office, world.tenant_a, colleague.email, "typo-123")) == [WRONG_PASSWORD_ERROR]

    response = sign_in(office, world.tenant_a, "alice@acme.test")

    assert response.status_code == 302
    assert _signed_in_user_id(office) == str(world.alice.pk)


def test_a_guessing_run_from_one_address_stops_after_30_failures_whoever_it_tries(world):
    guesser = Client(REMOTE_ADDR="192.0.2.66")
    for number in range(30):
        guess = sign_in(guesser, world.tenant_a, f"nobody{number}@acme.test", "guess-123")
        assert _form_errors(guess) == [WRONG_PASSWORD_ERROR]

    response = sign_in(guesser, world.tenant_a, "alice@acme.test")

    assert _form_errors(response) == [RATE_LIMIT_ERROR]
    assert _signed_in_user_id(guesser) is None


def test_failed_sign_ins_count_under_one_key_whatever_the_case_and_port_of_the_host(world):
    hosts = ["ACME.localhost", "acme.localhost:80", "Acme.Localhost:8000", "acme.LOCALHOST", "acme.localhost"]
    for number, host in enumerate(hosts):
        client = _attacker(number)
        response = client.post("/accounts/login/", {"login": "Alice@Acme.test", "password": "wrong-1"}, HTTP_HOST=host)
        assert _form_errors(response) == [WRONG_PASSWORD_ERROR]

    response = sign_in(_attacker(99), world.tenant_a, "alice@acme.test")

    assert _form_errors(response) == [RATE_LIMIT_ERROR]


def test_failed_sign_ins_on_tenant_b_do_not_lock_the_same_person_out_of_tenant_a(world):
    with tenant_scope(world.tenant_b):
        MembershipFactory(user=world.alice, role=Role.ANALYST)
    for number in range(6):
        sign_in(_attacker(number), world.tenant_b, "alice@acme.test", "wrong-password-123")
    assert _form_errors(sign_in(_attacker(50), world.tenant_b, "alice@acme.test")) == [RATE_LIMIT_ERROR]
    client = Client()

    response = sign_in(client, world.tenant_a, "alice@acme.test")

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(world.alice.pk)


def test_failed_sign_ins_also_stop_password_reauthentication_of_the_same_person_on_that_portal(world):
    client = Client()
    assert sign_in(client, world.tenant_a, "alice@acme.test").status_code == 302
    for number in range(5):
        _attacker(number).post(
            "/accounts/login/", {"login": "ALICE@acme.test", "password": "wrong-1"}, HTTP_HOST="Acme.Localhost:8000"
        )

    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD}, HTTP_HOST=host_of(world.tenant_a))

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [RATE_LIMIT_ERROR]


# --- where a sign-in may lead ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url", ["http://globex.localhost/", "//globex.localhost/", "http://localhost/admin/", "https://evil.test/"]
)
def test_after_signing_in_next_never_leads_to_another_host(world, next_url):
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"login": "alice@acme.test", "password": PASSWORD, "next": next_url},
        HTTP_HOST=host_of(world.tenant_a),
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_after_signing_in_next_leads_to_a_page_of_the_same_portal(world):
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"login": "alice@acme.test", "password": PASSWORD, "next": "http://acme.localhost/audit/?page=2"},
        HTTP_HOST=host_of(world.tenant_a),
    )

    assert response["Location"] == "http://acme.localhost/audit/?page=2"


def test_a_page_that_needs_signing_in_sends_its_full_address_as_next_encoded(world):
    response = anonymous_client(world.tenant_a).get("/partner-orgs/?search=a&status=active")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/partner-orgs/%3Fsearch%3Da%26status%3Dactive"


def test_switching_language_never_leads_to_another_host(world):
    response = world.client(world.alice).post("/i18n/setlang/", {"language": "fr", "next": "http://globex.localhost/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
