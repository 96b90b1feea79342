"""API rate limits: each API token (and each browser session's membership) has its own count, in a short burst
window and a long sustained one; the request past either answers 429 `throttled` with Retry-After. The rates are
configuration (PRM_API_THROTTLE_BURST, PRM_API_THROTTLE_SUSTAINED); the test settings raise them out of reach, so
these tests set low ones."""

import runpy

import pytest
from django.conf import settings as django_settings
from django.test import Client

from prm.accounts.services import api_token_create
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of

ME = "/api/v1/me/"


@pytest.fixture
def rates(settings):
    """Sets the API's throttle rates for one test (the setting is read at each request)."""

    def set_rates(burst="1000/min", sustained="1000/day"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"burst": burst, "sustained": sustained},
        }

    return set_rates


def token_client(tenant, user, name="ERP feed"):
    with tenant_scope(tenant):
        _token, key = api_token_create(user=user, name=name)
    return Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Token {key}")


def statuses(client, count):
    return [client.get(ME).status_code for _ in range(count)]


def assert_throttled(response, *, longest_wait):
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= longest_wait
    body = response.json()
    assert body["code"] == "throttled"
    assert isinstance(body["detail"], str) and body["detail"]


def test_the_request_past_the_burst_rate_answers_429_throttled_with_retry_after(world, rates):
    rates(burst="3/min")
    client = token_client(world.tenant_a, world.alice)

    assert statuses(client, 3) == [200, 200, 200]
    assert_throttled(client.get(ME), longest_wait=60)


def test_the_request_past_the_sustained_rate_answers_429_with_a_wait_up_to_its_window(world, rates):
    rates(sustained="2/hour")
    client = token_client(world.tenant_a, world.alice)

    assert statuses(client, 2) == [200, 200]
    response = client.get(ME)
    assert_throttled(response, longest_wait=3600)
    assert int(response["Retry-After"]) > 60


def test_two_tokens_of_one_user_are_counted_apart(world, rates):
    rates(burst="2/min")
    first = token_client(world.tenant_a, world.alice, name="ERP")
    second = token_client(world.tenant_a, world.alice, name="BI")

    assert statuses(first, 3) == [200, 200, 429]
    assert statuses(second, 2) == [200, 200]


def test_a_token_of_another_tenant_has_its_own_count(world, rates):
    rates(burst="2/min")
    alice = token_client(world.tenant_a, world.alice)
    charlie = token_client(world.tenant_b, world.charlie)

    assert statuses(alice, 3) == [200, 200, 429]
    assert statuses(charlie, 2) == [200, 200]


def test_a_session_is_counted_for_its_membership_apart_from_the_users_tokens(world, rates):
    rates(burst="2/min")
    session = world.client(world.alice)
    token = token_client(world.tenant_a, world.alice)

    assert statuses(session, 3) == [200, 200, 429]
    assert_throttled(session.get(ME), longest_wait=60)
    assert statuses(token, 2) == [200, 200]


def test_a_lowered_rate_applies_at_once_and_still_says_when_to_retry(world, rates):
    client = token_client(world.tenant_a, world.alice)
    assert statuses(client, 4) == [200] * 4

    rates(burst="2/min")

    assert_throttled(client.get(ME), longest_wait=60)


def test_the_rates_come_from_the_environment(monkeypatch):
    settings_file = django_settings.BASE_DIR / "prm" / "settings.py"
    monkeypatch.delenv("PRM_API_THROTTLE_BURST", raising=False)
    monkeypatch.delenv("PRM_API_THROTTLE_SUSTAINED", raising=False)
    monkeypatch.delenv("PRM_APPLICATION_RATE_LIMIT", raising=False)
    defaults = runpy.run_path(str(settings_file))["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]
    monkeypatch.setenv("PRM_API_THROTTLE_BURST", "7/second")
    monkeypatch.setenv("PRM_API_THROTTLE_SUSTAINED", "70/day")
    monkeypatch.setenv("PRM_APPLICATION_RATE_LIMIT", "3/day")
    configured = runpy.run_path(str(settings_file))["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]

    assert defaults == {"burst": "120/min", "sustained": "5000/hour", "partner_applications": "5/hour"}
    assert configured == {"burst": "7/second", "sustained": "70/day", "partner_applications": "3/day"}
