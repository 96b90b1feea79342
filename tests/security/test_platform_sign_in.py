"""The operator host's admin: signed in through allauth (the portals' failed-login throttle, the TOTP stage),
and an operator without TOTP is sent to set it up and opens no admin page until one exists."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.test import Client

from prm.accounts.models import User
from tests.factories import PASSWORD, UserFactory

ADMIN_PAGE = "/admin/accounts/user/"
RATE_LIMIT_ERROR = "Too many failed login attempts. Try again later."


def platform_client():
    return Client(HTTP_HOST=settings.PRM_PLATFORM_HOST)


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/?next=/admin/", {"login": email, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@platform.test", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_totp(operator):
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)
    return secret


def test_the_admin_sends_anonymous_visitors_to_allauths_sign_in_on_the_platform_host(db):
    client = platform_client()
    to_admin_login = client.get(ADMIN_PAGE)
    assert to_admin_login.status_code == 302 and to_admin_login["Location"].startswith("/admin/login/")
    to_sign_in = client.get(to_admin_login["Location"])
    assert to_sign_in.status_code == 302 and to_sign_in["Location"].startswith("/accounts/login/?next=")
    page = client.get(to_sign_in["Location"])
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()
    assert "platform_base.html" in [t.name for t in page.templates]


def test_an_operator_with_totp_must_give_the_code_before_the_admin_opens(operator, operator_totp):
    client = platform_client()
    response = sign_in(client, operator.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get(ADMIN_PAGE).status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(operator_totp)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(ADMIN_PAGE).status_code == 200


def test_an_operator_without_totp_is_sent_to_set_it_up_and_opens_no_admin_page(operator):
    client = platform_client()
    sign_in(client, operator.email)
    assert signed_in(client)

    for path in ("/admin/", ADMIN_PAGE):
        response = client.get(path, follow=True)
        assert response.redirect_chain[1][0] == "/accounts/2fa/totp/activate/", path
        assert response.status_code == 200
        assert "set up TOTP first" in response.content.decode()
    # allauth asks for the password again before an authenticator is added; set up there, the admin opens.
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    activated = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists()
    assert client.get(ADMIN_PAGE).status_code == 200


def test_failed_sign_ins_on_the_platform_host_are_throttled(operator, operator_totp):
    client = platform_client()
    for _ in range(5):
        assert sign_in(client, operator.email, "wrong password").status_code == 200
    response = sign_in(client, operator.email)
    assert response.status_code == 200
    assert RATE_LIMIT_ERROR in response.context["form"].non_field_errors()
    assert not signed_in(client)


def test_the_admins_own_login_form_no_longer_checks_passwords(operator):
    client = platform_client()
    response = client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)


def test_a_tenant_member_who_is_not_staff_cannot_sign_in_on_the_platform_host(world):
    client = platform_client()
    response = sign_in(client, world.alice.email)
    assert response.status_code == 200
    assert not signed_in(client)


def test_an_operator_cannot_sign_in_on_a_tenants_host_without_a_membership(world, operator):
    client = Client(HTTP_HOST="acme.localhost")
    assert client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD}).status_code == 200
    assert not signed_in(client)


def test_createsuperuser_makes_an_operator_whose_address_allauth_accepts(db):
    user = User.objects.create_superuser(email="Root@Platform.test", password=PASSWORD)
    assert user.emailaddress_set.get().verified
    client = platform_client()
    assert sign_in(client, "root@platform.test").status_code == 302
    assert signed_in(client)


def _account_pages():
    """Every parameterless page of allauth's URLs, as routed on the platform host."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and "<" not in route:
                yield "/" + route.lstrip("^").rstrip("$")

    (accounts,) = [e for e in get_resolver(settings.PLATFORM_URLCONF).url_patterns if str(e.pattern) == "accounts/"]
    return sorted(set(walk(accounts.url_patterns, "accounts/")))


def test_every_account_page_renders_on_the_platform_host_without_tenant_routes(operator, operator_totp):
    anonymous, signed_in_operator = platform_client(), platform_client()
    signed_in_operator.force_login(operator)
    pages = _account_pages()
    assert "/accounts/login/" in pages and "/accounts/2fa/" in pages
    for client in (anonymous, signed_in_operator):
        for path in pages:
            assert client.get(path).status_code < 500, path
