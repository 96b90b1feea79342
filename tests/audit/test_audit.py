"""The audit log: recorded by prm.audit.services.record() (actor or "system", the request's IP), readable
by vendor admins on /audit/ (with filters) and /api/v1/audit-events/, closed to everyone else, and
append-only in the database."""

import datetime
import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from prm.accounts.models import Role
from prm.audit.models import AuditEvent
from prm.audit.services import record
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member

API = "/api/v1/audit-events/"


@pytest.fixture
def events(world):
    with tenant_scope(world.tenant_a):
        return {
            "create": record(
                action="product.create",
                actor=world.alice,
                object_type="catalog.product",
                object_id="p-1",
                after={"sku": "AX-100"},
            ),
            "update": record(
                action="product.update",
                actor=world.bob,
                object_type="catalog.product",
                object_id="p-2",
                before={"name": "Old"},
                after={"name": "New"},
            ),
            "org": record(
                action="partner_org.create", actor=world.alice, object_type="accounts.partnerorg", object_id="o-1"
            ),
            "system": record(action="tier.reevaluate", object_type="accounts.partnerorg", object_id="o-1"),
        }


@pytest.fixture
def analyst(world):
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")


def listed_actions(response):
    assert response.status_code == 200, response.status_code
    return {e.action for e in response.context["page_obj"]}


# --- record() ----------------------------------------------------------------------------------------


def test_record_without_an_actor_is_labelled_system(world):
    with tenant_scope(world.tenant_a):
        event = record(action="job.run", object_type="job", object_id="1")
        anonymous = record(action="job.run", actor=AnonymousUser())
    assert (event.actor, event.actor_label) == (None, "system")
    assert (anonymous.actor, anonymous.actor_label) == (None, "system")


def test_record_with_an_actor_keeps_the_user_and_their_email(world):
    with tenant_scope(world.tenant_a):
        event = record(action="x.y", actor=world.bob, obj=world.org1, reason="because")
    assert event.actor == world.bob
    assert event.actor_label == "bob@acme.test"
    assert (event.object_type, event.object_id, event.object_label) == (
        "accounts.partnerorg",
        str(world.org1.pk),
        "Alpha Resellers",
    )
    assert event.reason == "because"
    assert event.tenant_id == world.tenant_a.pk


def test_the_requests_ip_address_is_recorded(world):
    client = world.client(world.alice)
    response = client.post("/catalog/products/new/", {"sku": "IP-1", "name": "Traced"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="product.create")
    assert event.ip_address == "203.0.113.9"
    assert event.actor_label == "alice@acme.test"


def test_outside_a_request_no_ip_address_is_recorded(world):
    with tenant_scope(world.tenant_a):
        assert record(action="job.run").ip_address is None


def test_audit_rows_cannot_be_updated_or_deleted(world, events):
    with tenant_scope(world.tenant_a):
        for change in (
            lambda: AuditEvent.objects.filter(pk=events["create"].pk).update(reason="tampered"),
            lambda: AuditEvent.objects.filter(pk=events["create"].pk).delete(),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                change()
        assert AuditEvent.objects.get(pk=events["create"].pk).reason == ""


# --- the page ----------------------------------------------------------------------------------------


def test_audit_page_lists_the_tenants_events_for_the_vendor_admin(world, events):
    with tenant_scope(world.tenant_b):
        record(action="globex.secret", actor=world.charlie)
    response = world.client(world.alice).get("/audit/")
    assert listed_actions(response) == {"product.create", "product.update", "partner_org.create", "tier.reevaluate"}
    text = html.unescape(response.content.decode())
    assert "Changed product" in text and "Name:</span> Old → New" in text  # readable, not a dump
    assert "{'name': 'Old'}" not in text and "<code>" not in text
    assert "globex" not in text.lower()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "product.update"}, {"product.update"}),
        ({"object_type": "accounts.partnerorg"}, {"partner_org.create", "tier.reevaluate"}),
        ({"object_id": "p-2"}, {"product.update"}),
        ({"actor": "bob@acme"}, {"product.update"}),
        ({"actor": "system"}, {"tier.reevaluate"}),
        ({"object_type": "catalog.product", "actor": "alice"}, {"product.create"}),
    ],
    ids=["action", "object-type", "object-history", "actor", "system-actor", "combined"],
)
def test_audit_page_filters_events(world, events, query, expected):
    assert listed_actions(world.client(world.alice).get("/audit/", query)) == expected


def test_audit_page_filters_by_date_range(world, events):
    client = world.client(world.alice)
    today = timezone.now().date()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    everything = {"product.create", "product.update", "partner_org.create", "tier.reevaluate"}
    assert listed_actions(client.get("/audit/", {"date_from": today, "date_to": today})) == everything
    assert listed_actions(client.get("/audit/", {"date_from": yesterday})) == everything
    assert listed_actions(client.get("/audit/", {"date_from": tomorrow})) == set()
    assert listed_actions(client.get("/audit/", {"date_to": yesterday})) == set()


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_an_invalid_date_filter_answers_400_with_a_message(world, events, field):
    response = world.client(world.alice).get("/audit/", {field: "31/31/2026"})
    assert response.status_code == 400
    [message] = response.context["form"].errors[field]  # the date fields' own wording (prm's date input)
    assert html.escape(message) in response.content.decode()
    assert response.context["rows"] == []  # nothing listed beside the message


@pytest.mark.parametrize("who", ["bob", "analyst", "pat", "una"])
def test_audit_page_is_403_for_everyone_but_vendor_admins(world, analyst, events, who):
    user = analyst if who == "analyst" else getattr(world, who)
    assert world.client(user).get("/audit/").status_code == 403


# --- the API -----------------------------------------------------------------------------------------


def test_api_lists_and_retrieves_events_for_the_vendor_admin(world, events):
    client = world.client(world.alice)
    listed = client.get(API).json()
    assert listed["count"] == 4
    assert {e["action"] for e in listed["results"]} == {
        "product.create",
        "product.update",
        "partner_org.create",
        "tier.reevaluate",
    }
    event = events["update"]
    detail = client.get(f"{API}{event.pk}/").json()
    assert detail["id"] == str(event.pk)
    assert (detail["action"], detail["actor_label"]) == ("product.update", "bob@acme.test")
    assert (detail["before"], detail["after"]) == ({"name": "Old"}, {"name": "New"})
    assert detail["actor"] == str(world.bob.pk)
    assert client.get(API, {"action": "tier.reevaluate"}).json()["results"][0]["actor_label"] == "system"
    assert client.get(API, {"object_id": "o-1"}).json()["count"] == 2


def test_api_is_read_only(world, events):
    client = world.client(world.alice)
    url = f"{API}{events['create'].pk}/"
    assert client.post(API, {"action": "forged"}, content_type="application/json").status_code == 405
    assert client.patch(url, {"reason": "x"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize("who", ["bob", "analyst", "pat", "una"])
def test_api_is_403_for_everyone_but_vendor_admins(world, analyst, events, who):
    client = world.client(analyst if who == "analyst" else getattr(world, who))
    assert client.get(API).status_code == 403
    assert client.get(f"{API}{events['create'].pk}/").status_code == 403


def test_api_answers_401_with_the_token_challenge_to_anonymous_visitors(world, events):
    response = world.client(None).get(API)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
