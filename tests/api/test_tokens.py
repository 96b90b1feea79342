"""Personal API tokens: created on the /tokens/ page, shown once, stored only as a SHA-256 hash, valid only
on their own tenant's host, for an active member, until revoked. Every refusal is a JSON 401."""

import hashlib
import re
from datetime import timedelta

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.db import connection
from django.test import Client
from django.utils import timezone

from prm.accounts.models import ApiToken, Membership, User
from prm.accounts.services import api_token_create, api_token_revoke, membership_deactivate
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import sign_in
from tests.conftest import host_of
from tests.factories import PASSWORD

KEY_RE = re.compile(r'data-testid="new-key".*?<code>(prm_[A-Za-z0-9_\-]+)</code>', re.S)


def api_client(tenant, auth=None):
    headers = {"HTTP_HOST": host_of(tenant)}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = auth
    return Client(**headers)


def me(tenant, auth):
    return api_client(tenant, auth).get("/api/v1/me/")


def assert_json_401(response):
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] and isinstance(body["code"], str)
    assert body["detail"] and isinstance(body["detail"], str)
    assert response["WWW-Authenticate"] == "Token"
    return body


def create_on_page(client, name):
    response = client.post("/tokens/", {"name": name})
    assert response.status_code == 200, response.content
    match = KEY_RE.search(response.content.decode())
    assert match, "the new key is shown on the page"
    return match.group(1)


@pytest.fixture
def alice_key(world):
    with tenant_scope(world.tenant_a):
        token, key = api_token_create(user=world.alice, name="Alice integration")
    return token, key


# --- creation ---------------------------------------------------------------------------------------------


def test_a_token_created_on_the_page_shows_its_key_once(world):
    client = world.client(world.alice)
    key = create_on_page(client, "Warehouse feed")

    assert key.startswith("prm_") and len(key) > 30
    again = client.get("/tokens/")
    assert again.status_code == 200
    body = again.content.decode()
    assert "Warehouse feed" in body
    assert key not in body
    assert key[:10] in body  # only the prefix is listed afterwards


def test_the_database_stores_only_the_sha256_of_the_key(world):
    key = create_on_page(world.client(world.alice), "ERP export")

    with tenant_scope(world.tenant_a):
        token = ApiToken.objects.get(name="ERP export")
        assert token.user == world.alice
        assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT t::text FROM accounts_apitoken t")
            rows = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT a::text FROM audit_auditevent a")
            audit_rows = [r[0] for r in cursor.fetchall()]
    assert len(rows) == 1
    assert key not in rows[0]
    assert key[10:] not in rows[0]  # not even the secret part of the key
    assert token.key_hash in rows[0]
    assert all(key not in row for row in audit_rows)


def test_creating_a_token_is_audited(world, alice_key):
    token, _key = alice_key
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == world.alice
    assert event.object_id == str(token.pk)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101], ids=["empty", "blank", "101-chars"])
def test_a_token_name_that_is_empty_or_longer_than_100_characters_is_refused_on_the_page(world, name):
    response = world.client(world.alice).post("/tokens/", {"name": name})

    assert response.status_code == 400
    assert not KEY_RE.search(response.content.decode())
    with tenant_scope(world.tenant_a):
        assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "code"), [("", "name_required"), ("  ", "name_required"), ("x" * 101, "name_too_long")]
)
def test_the_service_refuses_an_empty_or_overlong_token_name(world, name, code):
    with tenant_scope(world.tenant_a):
        with pytest.raises(DomainError) as refused:
            api_token_create(user=world.alice, name=name)
        assert refused.value.code == code
        assert ApiToken.objects.count() == 0


def test_a_token_name_of_exactly_100_characters_is_accepted(world):
    create_on_page(world.client(world.alice), "y" * 100)
    with tenant_scope(world.tenant_a):
        assert ApiToken.objects.get().name == "y" * 100


# --- authentication ---------------------------------------------------------------------------------------


def test_a_token_authenticates_its_user_on_its_tenants_host(world):
    key = create_on_page(world.client(world.bob), "Reporting")

    response = me(world.tenant_a, f"Token {key}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["email"] == "bob@acme.test"
    assert body["role"] == "channel_manager"
    assert body["tenant"] == "acme"
    assert body["partner_org"] is None


def test_a_partner_users_token_reports_their_role_and_organisation(world):
    with tenant_scope(world.tenant_a):
        _token, key = api_token_create(user=world.una, name="Scripts")

    body = me(world.tenant_a, f"Token {key}").json()

    assert (body["role"], body["partner_org"], body["tenant"]) == ("partner_user", str(world.org1.pk), "acme")


def test_the_token_keyword_is_case_insensitive(world, alice_key):
    _token, key = alice_key
    assert me(world.tenant_a, f"token {key}").status_code == 200


def test_a_token_is_unknown_on_another_tenants_host(world, alice_key):
    _token, key = alice_key

    response = me(world.tenant_b, f"Token {key}")

    body = assert_json_401(response)
    assert body["code"] == "authentication_failed"
    assert "acme" not in response.content.decode().lower()


def test_a_token_works_on_no_api_route_of_another_tenant(world, alice_key):
    _token, key = alice_key
    client = api_client(world.tenant_b, f"Token {key}")
    for path in ("/api/v1/partner-orgs/", "/api/v1/users/", f"/api/v1/partner-orgs/{world.org1.pk}/"):
        assert_json_401(client.get(path))


def test_an_unknown_key_is_refused(world, alice_key):
    _token, key = alice_key
    assert_json_401(me(world.tenant_a, f"Token {key}x"))
    assert_json_401(me(world.tenant_a, "Token prm_not-a-real-key"))


def test_a_token_revoked_on_the_page_is_refused(world, alice_key):
    token, key = alice_key
    assert me(world.tenant_a, f"Token {key}").status_code == 200

    response = world.client(world.alice).post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    assert_json_401(me(world.tenant_a, f"Token {key}"))


def test_a_token_revoked_by_the_service_is_refused(world, alice_key):
    token, key = alice_key
    with tenant_scope(world.tenant_a):
        api_token_revoke(token=token, actor=world.alice)
        api_token_revoke(token=token, actor=world.alice)  # idempotent: one audit event
        assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1

    assert_json_401(me(world.tenant_a, f"Token {key}"))


def test_the_revoke_page_answers_only_post(world, alice_key):
    token, key = alice_key
    assert world.client(world.alice).get(f"/tokens/{token.pk}/revoke/").status_code == 405
    assert me(world.tenant_a, f"Token {key}").status_code == 200


def test_a_user_cannot_revoke_another_users_token(world, alice_key):
    token, key = alice_key

    response = world.client(world.bob).post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    with tenant_scope(world.tenant_a):
        token.refresh_from_db()
    assert token.revoked_at is None
    assert me(world.tenant_a, f"Token {key}").status_code == 200


def test_the_token_page_lists_only_the_users_own_tokens(world, alice_key):
    create_on_page(world.client(world.bob), "Bob's own")

    body = world.client(world.bob).get("/tokens/").content.decode()

    assert "Bob&#x27;s own" in body or "Bob's own" in body
    assert "Alice integration" not in body


@pytest.mark.parametrize(
    "header",
    ["Token", "Token ", "Token a b", "Token \xff\xfe\xfd", "Token prm_\xe9t\xe9"],
    ids=["no-key", "trailing-space", "two-parts", "non-utf8-bytes", "latin1-bytes"],
)
def test_a_malformed_token_header_is_refused_with_401(world, alice_key, header):
    assert_json_401(me(world.tenant_a, header))


def test_no_credentials_at_all_answers_401(world):
    body = assert_json_401(me(world.tenant_a, None))
    assert body["code"] == "not_authenticated"


def test_a_token_whose_membership_was_deactivated_is_refused(world, alice_key):
    token, key = alice_key
    with tenant_scope(world.tenant_a):
        # The membership alone is switched off (the token itself stays unrevoked): authentication checks it.
        Membership.objects.filter(user=world.alice).update(is_active=False)
        token.refresh_from_db()
        assert token.revoked_at is None

    assert_json_401(me(world.tenant_a, f"Token {key}"))


def test_deactivating_a_membership_revokes_the_users_tokens(world):
    with tenant_scope(world.tenant_a):
        token, key = api_token_create(user=world.bob, name="Bob's sync")
        membership_deactivate(
            membership=Membership.objects.get(user=world.bob),
            actor_membership=Membership.objects.get(user=world.alice),
            reason="left the company",
        )
        token.refresh_from_db()
    assert token.revoked_at is not None
    assert_json_401(me(world.tenant_a, f"Token {key}"))


def test_a_token_of_a_deactivated_user_account_is_refused(world, alice_key):
    _token, key = alice_key
    world.alice.is_active = False
    world.alice.save()

    assert_json_401(me(world.tenant_a, f"Token {key}"))


def test_a_token_works_on_no_platform_host(world, alice_key):
    _token, key = alice_key
    response = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert response.status_code == 404


# --- last use ---------------------------------------------------------------------------------------------


def test_using_a_token_records_when_it_was_last_used(world, alice_key):
    token, key = alice_key
    assert token.last_used_at is None
    before = timezone.now()

    assert me(world.tenant_a, f"Token {key}").status_code == 200

    with tenant_scope(world.tenant_a):
        token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= timezone.now()


def test_a_stale_last_used_time_is_refreshed_on_the_next_use(world, alice_key):
    token, key = alice_key
    stale = timezone.now() - timedelta(hours=3)
    with tenant_scope(world.tenant_a):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)

    assert me(world.tenant_a, f"Token {key}").status_code == 200

    with tenant_scope(world.tenant_a):
        token.refresh_from_db()
    assert token.last_used_at > stale + timedelta(hours=2)


def test_a_refused_token_does_not_record_a_use(world, alice_key):
    token, key = alice_key
    assert_json_401(me(world.tenant_b, f"Token {key}"))
    with tenant_scope(world.tenant_a):
        token.refresh_from_db()
    assert token.last_used_at is None


# --- a new password ends older tokens and sessions ------------------------------------------------------------

NEW_PASSWORD = "sturdy-otter-lamp-42"


def _change_password_on_the_page(client):
    response = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return response


def _reset_password_by_link(tenant, user):
    user = User.objects.get(pk=user.pk)  # the key covers the last sign-in time
    client = Client(HTTP_HOST=host_of(tenant))
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    opened = client.get(f"/accounts/password/reset/key/{key}/")
    assert opened.status_code == 302
    assert client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302


def _signed_in(tenant, email):
    client = Client(HTTP_HOST=host_of(tenant))
    assert sign_in(client, tenant, email).status_code == 302
    return client


def test_a_password_change_ends_the_tokens_made_before_it_and_the_page_says_so(world, alice_key):
    _token, key = alice_key
    changer = _signed_in(world.tenant_a, "alice@acme.test")
    assert "stop working when your password is changed or reset" in changer.get("/tokens/").content.decode()

    _change_password_on_the_page(changer)

    body = assert_json_401(me(world.tenant_a, f"Token {key}"))
    assert "before its user's last password change or reset" in body["detail"]
    new_key = create_on_page(changer, "After the change")
    assert me(world.tenant_a, f"Token {new_key}").status_code == 200


def test_a_password_reset_ends_the_users_tokens_on_every_portal(world, alice_key):
    _token, key_a = alice_key
    with tenant_scope(world.tenant_b):
        Membership.objects.create(user=world.alice, role="analyst")
        _token_b, key_b = api_token_create(user=world.alice, name="Alice on Globex")

    _reset_password_by_link(world.tenant_a, world.alice)

    assert_json_401(me(world.tenant_a, f"Token {key_a}"))
    assert_json_401(me(world.tenant_b, f"Token {key_b}"))


def test_a_password_change_signs_out_the_users_other_sessions_and_keeps_the_changers(world):
    other = _signed_in(world.tenant_a, "alice@acme.test")
    changer = _signed_in(world.tenant_a, "alice@acme.test")

    _change_password_on_the_page(changer)

    assert changer.get("/").status_code == 200
    assert other.get("/")["Location"].startswith("/accounts/login/")


def test_a_password_reset_signs_out_the_users_sessions(world):
    session = _signed_in(world.tenant_a, "alice@acme.test")

    _reset_password_by_link(world.tenant_a, world.alice)

    assert session.get("/")["Location"].startswith("/accounts/login/")


def test_an_invitations_new_account_records_when_its_password_was_set(world):
    user = User.objects.create_user(email="new@partner.test", password=NEW_PASSWORD)

    assert user.password_changed_at is not None


def test_a_password_hash_upgrade_is_not_a_password_change(world, alice_key, settings):
    _token, key = alice_key
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    alice = User.objects.get(pk=world.alice.pk)
    stamp = alice.password_changed_at

    assert alice.check_password(PASSWORD)
    alice.save()

    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")
    assert alice.password_changed_at == stamp
    assert me(world.tenant_a, f"Token {key}").status_code == 200
