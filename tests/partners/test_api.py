"""/api/v1/partners/applications/: a public create with bad input refused by code, the staff's list with possible
duplicates, approve and decline, and who may do what."""

import pytest
from django.core import mail

from partners.models import PartnerApplication
from prm.accounts.models import Invitation, Membership, PartnerOrg
from prm.tenancy.context import tenant_scope
from tests.partners.test_applications import API_BODY, membership, submitted

URL = "/api/v1/partners/applications/"


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_anyone_sends_an_application_and_gets_a_receipt(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(world.client(None), URL, API_BODY)

    assert answer.status_code == 201
    assert set(answer.json()) == {"id", "status", "submitted_at"} and answer.json()["status"] == "submitted"
    with tenant_scope(world.tenant_a):
        assert PartnerApplication.objects.get(pk=answer.json()["id"]).web_domain == "brightpath.co.uk"
    assert [m.to for m in mail.outbox] == [["priya@brightpath.co.uk"]]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"company_name": 5}, 400, "invalid"),
        ({"partner_type": "wizard"}, 400, "invalid"),
        ({"country": "XX"}, 400, "invalid"),
        ({"contact_email": "nobody"}, 400, "invalid"),
        ({"expected_annual_sales": "-1.00"}, 400, "invalid"),
        ({"specialisations": "one"}, 400, "invalid"),
        ({"specialisations": [0]}, 400, "invalid"),  # an item of another JSON type (DRF would read "0")
        ({"specialisations": ["x"] * 21}, 400, "invalid"),
        ({"unknown": 1}, 400, "invalid"),
        ({"website": "no website"}, 422, "invalid_website"),
        ({"contact_name": "Priya\u202eShah"}, 422, "control_characters"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_creates_nothing(world, change, status, code):
    answer = post(world.client(None), URL, {**API_BODY, **change})

    assert (answer.status_code, answer.json()["code"]) == (status, code)
    with tenant_scope(world.tenant_a):
        assert not PartnerApplication.objects.exists()


def test_reviewers_list_applications_with_their_possible_duplicates(world):
    first = submitted(world)
    second = submitted(world, company_name="BP Solutions", website="brightpath.co.uk")
    answer = world.client(world.bob).get(URL)

    assert answer.status_code == 200
    by_id = {row["id"]: row for row in answer.json()["results"]}
    assert [(m["kind"], m["id"], m["value"]) for m in by_id[str(second.pk)]["possible_duplicates"]] == [
        ("application", str(first.pk), "brightpath.co.uk")
    ]
    detail = world.client(world.bob).get(f"{URL}{first.pk}/").json()
    assert [m["id"] for m in detail["possible_duplicates"]] == [str(second.pk)]


@pytest.mark.parametrize("who", ["pat", "una", None])
def test_partners_and_strangers_may_not_read_or_decide(world, who):
    application = submitted(world)
    client = world.client(getattr(world, who) if who else None)

    assert client.get(URL).status_code in (401, 403)
    assert post(client, f"{URL}{application.pk}/decline/", {"reason": "No"}).status_code in (401, 403)


def test_approve_and_decline_through_the_api(world):
    approved, declined = submitted(world), submitted(world, company_name="QuickDeals", website="quickdeals.com")
    bob = membership(world.bob, world.tenant_a)
    client = world.client(world.alice)

    approve = post(client, f"{URL}{approved.pk}/approve/", {"channel_manager": str(bob.pk)})
    again = post(client, f"{URL}{approved.pk}/approve/", {"channel_manager": str(bob.pk)})
    no_reason = post(client, f"{URL}{declined.pk}/decline/", {})
    blank_reason = post(client, f"{URL}{declined.pk}/decline/", {"reason": " "})
    decline = post(client, f"{URL}{declined.pk}/decline/", {"reason": "Not a reseller"})

    assert approve.status_code == 200 and approve.json()["status"] == "approved"
    with tenant_scope(world.tenant_a):
        org = PartnerOrg.objects.get(pk=approve.json()["partner_org"])
        assert org.name == "Brightpath Solutions Ltd" and org.channel_manager_id == bob.pk
        assert Invitation.objects.filter(email="priya@brightpath.co.uk", partner_org=org).exists()
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")
    assert no_reason.status_code == 400
    assert blank_reason.status_code == 400
    assert decline.status_code == 200 and decline.json()["decision_reason"] == "Not a reseller"


def test_an_approval_names_a_channel_manager_of_this_tenant_only(world):
    application = submitted(world)
    with tenant_scope(world.tenant_b):
        charlie = Membership.objects.get(user=world.charlie)
    pat = membership(world.pat, world.tenant_a)
    client = world.client(world.alice)

    for manager in (str(charlie.pk), str(pat.pk)):  # another tenant's; a partner admin
        answer = post(client, f"{URL}{application.pk}/approve/", {"channel_manager": manager})
        assert (answer.status_code, answer.json()["code"]) == (422, "unprocessable")  # "does not exist"
    with tenant_scope(world.tenant_a):
        assert PartnerApplication.objects.get(pk=application.pk).status == "submitted"
