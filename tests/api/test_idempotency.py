"""`Idempotency-Key` on the POSTs an integration retries (prm.api.idempotency): a retry answers the first answer and
changes nothing; keys are per API token and kept 24 hours; the same key with another request answers 422, a retry
while the first request runs 409; a bad key 400; a session 422; another tenant's token never sees tenant A's answer."""

import json
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from pos.models import PosImport, PosLine
from prm.accounts.models import PartnerOrg, Role
from prm.accounts.services import api_token_create
from prm.api.idempotency import idempotent, lock_name
from prm.api.models import IdempotencyKey
from prm.api.tasks import purge_expired_idempotency_keys
from prm.celery import app as celery_app
from prm.files.models import StoredFile
from prm.tenancy.context import tenant_scope
from tests.conftest import host_of, make_member, owner_connection
from tests.factories import PartnerOrgFactory, ProductFactory, TenantFactory
from tests.factories.populate import pos_line

LINES = "/api/v1/pos/lines/"
IMPORTS = "/api/v1/pos/imports/"
KEY = "6f1c2a0e-5d4b-4a8e-9c1f-3b2d7e8a9f00"
SALES = "Invoice No;Invoice Date;Part;Qty;Price;Customer;Country\nINV-1;2026-03-02;AX-24;3;10;Hooli;US\n"


@pytest.fixture
def products(world):
    for tenant in (world.tenant_a, world.tenant_b):
        with tenant_scope(tenant):
            ProductFactory(sku="AX-24")


def token_client(tenant, user, name="ERP feed"):
    """A client of `tenant`'s API with a new personal token of `user`."""
    with tenant_scope(tenant):
        _token, key = api_token_create(user=user, name=name)
    return Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Token {key}")


def post_lines(client, lines, key=KEY):
    return client.post(
        LINES, json.dumps({"lines": lines}), content_type="application/json", headers={"Idempotency-Key": key}
    )


def counts(tenant):
    with tenant_scope(tenant):
        return PosImport.objects.count(), PosLine.objects.count(), StoredFile.objects.count()


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_a_retried_lines_post_answers_the_first_answer_and_loads_nothing_more(world, products):
    client = token_client(world.tenant_a, world.pat)
    lines = [pos_line("INV-1", "AX-24"), pos_line("INV-2", "NO-SUCH-SKU")]

    first = post_lines(client, lines)
    after_first = counts(world.tenant_a)
    retry = post_lines(client, lines)

    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    assert (retry.status_code, retry.content, retry["Content-Type"]) == (201, first.content, first["Content-Type"])
    assert retry["Idempotent-Replayed"] == "true"
    assert after_first == (1, 1, 0)
    assert counts(world.tenant_a) == after_first


def test_a_retried_upload_answers_the_first_answer_even_with_another_multipart_boundary(world, products):
    client = token_client(world.tenant_a, world.pat)

    def upload(boundary):
        body = encode_multipart(boundary, {"file": SimpleUploadedFile("sales.csv", SALES.encode())})
        return client.post(
            IMPORTS, body, content_type=f"multipart/form-data; boundary={boundary}", headers={"Idempotency-Key": KEY}
        )

    first = upload("FirstBoundary")
    retry = upload("AnotherBoundary")

    assert first.status_code == 202, first.content
    assert (retry.status_code, retry.content, retry["Idempotent-Replayed"]) == (202, first.content, "true")
    assert counts(world.tenant_a) == (1, 0, 1)


def test_the_same_key_with_another_request_answers_422_and_changes_nothing(world, products):
    client = token_client(world.tenant_a, world.pat)
    first = post_lines(client, [pos_line("INV-1", "AX-24")])
    before = counts(world.tenant_a)

    other_body = post_lines(client, [pos_line("INV-9", "AX-24")])
    other_endpoint = client.post(
        IMPORTS, {"file": SimpleUploadedFile("sales.csv", SALES.encode())}, headers={"Idempotency-Key": KEY}
    )

    assert first.status_code == 201
    assert_error(other_body, 422, "idempotency_key_reused")
    assert_error(other_endpoint, 422, "idempotency_key_reused")
    assert counts(world.tenant_a) == before


def test_a_body_that_breaks_its_schema_answers_400_even_when_its_key_was_used_for_another_request(world, products):
    client = token_client(world.tenant_a, world.pat)
    assert post_lines(client, [pos_line("INV-1", "AX-24")]).status_code == 201
    before = counts(world.tenant_a)

    no_body = client.post(LINES, "", content_type="application/json", headers={"Idempotency-Key": KEY})
    lines_not_a_list = client.post(
        LINES, json.dumps({"lines": "INV-2"}), content_type="application/json", headers={"Idempotency-Key": KEY}
    )

    assert_error(no_body, 400, "invalid")
    assert no_body.json()["errors"] == {"lines": ["This field is required."]}
    assert_error(lines_not_a_list, 400, "invalid")
    assert counts(world.tenant_a) == before


def test_keys_are_per_token(world, products):
    lines = [pos_line("INV-1", "AX-24")]
    first = post_lines(token_client(world.tenant_a, world.pat, "ERP feed"), lines)

    second_token = post_lines(token_client(world.tenant_a, world.pat, "Another feed"), lines)

    assert (first.status_code, second_token.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second_token
    assert second_token.json()["import"] != first.json()["import"]
    assert counts(world.tenant_a)[0] == 2


def test_a_key_older_than_24_hours_is_a_new_request(world, products):
    client = token_client(world.tenant_a, world.pat)
    first = post_lines(client, [pos_line("INV-1", "AX-24")])
    with tenant_scope(world.tenant_a):
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))

    again = post_lines(client, [pos_line("INV-7", "AX-24")])

    assert (first.status_code, again.status_code) == (201, 201), again.content
    assert "Idempotent-Replayed" not in again
    assert again.json()["import"] != first.json()["import"]
    assert counts(world.tenant_a)[:2] == (2, 2)
    with tenant_scope(world.tenant_a):
        assert IdempotencyKey.objects.get().created_at > timezone.now() - timedelta(minutes=1)


def test_the_same_key_in_another_tenant_is_a_new_request_there(world, products):
    lines = [pos_line("INV-1", "AX-24")]
    in_a = post_lines(token_client(world.tenant_a, world.pat), lines)

    in_b = post_lines(token_client(world.tenant_b, world.bea), lines)

    assert (in_a.status_code, in_b.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in in_b
    assert in_b.json()["import"] != in_a.json()["import"]
    assert counts(world.tenant_a)[0] == counts(world.tenant_b)[0] == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "two words", "caf\u00e9", "tab\there"])
def test_a_key_that_is_not_1_to_255_visible_ascii_characters_answers_400_and_changes_nothing(world, products, key):
    response = post_lines(token_client(world.tenant_a, world.pat), [pos_line("INV-1", "AX-24")], key=key)

    assert_error(response, 400, "invalid_idempotency_key")
    assert counts(world.tenant_a) == (0, 0, 0)


def test_a_key_sent_by_a_browser_session_answers_422_needs_token_and_changes_nothing(world, products):
    response = post_lines(world.client(world.pat), [pos_line("INV-1", "AX-24")])

    assert_error(response, 422, "idempotency_key_needs_token")
    assert counts(world.tenant_a) == (0, 0, 0)


def test_a_post_without_the_header_is_not_stored(world, products):
    client = token_client(world.tenant_a, world.pat)
    response = client.post(LINES, {"lines": [pos_line("INV-1", "AX-24")]}, content_type="application/json")

    assert response.status_code == 201
    with tenant_scope(world.tenant_a):
        assert not IdempotencyKey.objects.exists()


# --- an action that answers an error without raising: the answer is not kept, a retry runs again ----------


class Answers(viewsets.GenericViewSet):
    authentication_classes = permission_classes = throttle_classes = []
    statuses = []

    class serializer_class(serializers.Serializer):  # noqa: N801 - DRF's attribute name
        name = serializers.CharField()

    @extend_schema(summary="An answer of a given status")  # above @idempotent: the refusals are documented too
    @idempotent(body=serializer_class)
    def create(self, request):
        return Response({"answer": len(self.statuses)}, status=self.statuses.pop(0))


def test_an_answer_that_is_not_2xx_is_not_kept_and_a_retry_runs_again(world):
    with tenant_scope(world.tenant_a):
        token, _key = api_token_create(user=world.pat, name="ERP feed")
        Answers.statuses[:] = [503, 201]
        view = Answers.as_view({"post": "create"})

        def send():
            request = APIRequestFactory().post("/answers/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
            force_authenticate(request, user=world.pat, token=token)
            return view(request)

        failed, retried = send(), send()

        assert (failed.status_code, retried.status_code) == (503, 201)
        assert IdempotencyKey.objects.get().response_status == 201


def test_a_refusal_raised_by_the_service_is_not_kept_and_the_retry_runs_once_its_cause_is_gone(world, products):
    """The documented case: a 422 the service raises rolls back with its key, so the same key later succeeds."""
    client = token_client(world.tenant_a, world.alice)
    body = json.dumps({"partner": str(world.org2.pk), "lines": [pos_line("INV-1", "AX-24")]})

    def send():
        return client.post(LINES, body, content_type="application/json", headers={"Idempotency-Key": KEY})

    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org2.pk).update(status="inactive")
    refused = send()
    with tenant_scope(world.tenant_a):
        assert not IdempotencyKey.objects.exists()
        PartnerOrg.objects.filter(pk=world.org2.pk).update(status="active")
    retried = send()

    assert_error(refused, 422, "inactive_partner")
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert counts(world.tenant_a)[:2] == (1, 1)


def test_an_action_documents_the_header_and_the_refusals_whatever_the_order_of_its_decorators():
    operation = SchemaGenerator(patterns=[path("answers/", Answers.as_view({"post": "create"}))]).get_schema(
        request=None, public=True
    )["paths"]["/answers/"]["post"]

    assert_documents_idempotency(operation, "201")
    assert operation["summary"] == "An answer of a given status"


# --- the schema, the purge ----------------------------------------------------------------------------------


def assert_documents_idempotency(operation, success):
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert (header["in"], header.get("required", False), header["schema"]["maxLength"]) == ("header", False, 255)
    responses = operation["responses"]
    assert {success, "400", "409", "422"} <= set(responses)
    assert "invalid_idempotency_key" in responses["400"]["description"]
    assert "idempotency_key_in_use" in responses["409"]["description"]
    assert "idempotency_key_reused" in responses["422"]["description"]
    assert "idempotency_key_needs_token" in responses["422"]["description"]


def test_the_schema_documents_the_header_and_the_refusals_of_both_pos_posts(world):
    response = token_client(world.tenant_a, world.alice).get("/api/schema/?format=json")
    paths = json.loads(response.content)["paths"]

    assert_documents_idempotency(paths[LINES]["post"], "201")
    assert_documents_idempotency(paths[IMPORTS]["post"], "202")


def stored_key(tenant, user, key, age):
    with tenant_scope(tenant):
        token, _ = api_token_create(user=user, name=f"feed {key}")
        row = IdempotencyKey.objects.create(
            token=token,
            key=key,
            method="POST",
            path=LINES,
            fingerprint="0" * 64,
            response_status=201,
            response_content_type="application/json",
            response_body=b"{}",
        )
        IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)


def test_the_daily_purge_deletes_the_keys_older_than_24_hours_of_every_tenant_and_only_those(world):
    stored_key(world.tenant_a, world.pat, "fresh", timedelta(hours=23, minutes=59))
    stored_key(world.tenant_a, world.pat, "expired", timedelta(hours=24, seconds=1))
    stored_key(world.tenant_b, world.bea, "expired-b", timedelta(days=3))

    purge_expired_idempotency_keys.delay()

    with tenant_scope(world.tenant_a):
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    with tenant_scope(world.tenant_b):
        assert not IdempotencyKey.objects.exists()
    entry = celery_app.conf.beat_schedule["purge-expired-idempotency-keys"]
    assert entry["task"] == purge_expired_idempotency_keys.name


# --- a retry while the first request runs, on a real server ------------------------------------------------


WAITING_ADVISORY_LOCKS_SQL = """
SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


def waiting_advisory_locks():
    """Requests waiting for an advisory lock in the test database (other test runs share the cluster)."""
    with owner_connection() as conn:
        return conn.execute(WAITING_ADVISORY_LOCKS_SQL).fetchone()[0]


def test_a_retry_while_the_first_request_runs_answers_409_and_changes_nothing(live_server_url):
    """The first request is held inside its load (another session holds its partner's load lock), so it holds the
    key's lock while the retry arrives on another server thread and connection."""
    tenant = TenantFactory(slug="acme")
    with tenant_scope(tenant):
        ProductFactory(sku="AX-24")
        org = PartnerOrgFactory()
        pat = make_member(Role.PARTNER_ADMIN, org, email="pat@alpha.test")
        token, key = api_token_create(user=pat, name="ERP feed")
    session = requests.Session()
    session.headers.update({"Host": host_of(tenant), "Authorization": f"Token {key}", "Idempotency-Key": KEY})
    url = live_server_url.format(host="127.0.0.1") + LINES
    body = {"lines": [pos_line("INV-1", "AX-24")]}
    answers = {}

    def first_request():
        answers["first"] = session.post(url, json=body, timeout=30)

    with owner_connection() as holder:
        holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 42))", [f"pos-partner:{org.pk}"])
        first = threading.Thread(target=first_request)
        first.start()
        for _ in range(100):
            if waiting_advisory_locks():
                break
            time.sleep(0.05)
        assert waiting_advisory_locks() == 1, "the first request waits for the partner's load lock"
        with owner_connection() as spy:  # the first request holds the key's lock
            taken = spy.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 42))",
                [lock_name(tenant_id=tenant.pk, token_id=token.pk, key=KEY)],
            ).fetchone()[0]
        retry_while_running = requests.post(url, json=body, headers=session.headers, timeout=10)
        no_body_while_running = requests.post(url, headers=session.headers, timeout=10)
        holder.execute("SELECT pg_advisory_unlock_all()")
    first.join(timeout=30)
    retry_afterwards = session.post(url, json=body, timeout=30)

    assert taken is False
    assert_error(retry_while_running, 409, "idempotency_key_in_use")
    assert_error(no_body_while_running, 400, "invalid")  # its own fault first
    assert answers["first"].status_code == 201, answers["first"].text
    assert (retry_afterwards.status_code, retry_afterwards.content) == (201, answers["first"].content)
    assert retry_afterwards.headers["Idempotent-Replayed"] == "true"
    with tenant_scope(tenant):
        assert (PosImport.objects.count(), PosLine.objects.count()) == (1, 1)
