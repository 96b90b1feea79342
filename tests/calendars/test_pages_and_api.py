"""The fiscal calendar and the cadences through pages and the API: vendor admins change them (audited), others are
refused, bad input is a page with the message (400) or the API's error shape, never a 500."""

import datetime
import html
import json

import pytest

from prm.audit.models import AuditEvent
from prm.cadences.models import ReportingCadence
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant

KIND = "pos_sales_out"


def text(response):
    return html.unescape(response.content.decode())


def calendar_of(tenant):
    tenant = Tenant.objects.get(pk=tenant.pk)
    return tenant.country, tenant.fiscal_year_start_month


# --- the fiscal calendar page ------------------------------------------------------------------------------


def test_a_vendor_admin_sets_the_country_and_fiscal_year_on_the_page_and_it_is_audited(world):
    client = world.client(world.alice)
    response = client.post("/fiscal-calendar/", {"country": "GB", "fiscal_year_start_month": "4"})
    assert (response.status_code, response["Location"]) == (302, "/fiscal-calendar/")
    assert calendar_of(world.tenant_a) == ("GB", 4)
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="tenant.fiscal_calendar_update")
    assert (event.before, event.after) == (
        {"country": "US", "fiscal_year_start_month": 1},
        {"country": "GB", "fiscal_year_start_month": 4},
    )
    page = client.get("/fiscal-calendar/")
    assert page.status_code == 200
    assert "Q4" in text(page) and "FY" in text(page)


@pytest.mark.parametrize(
    "body", [{"country": "XX", "fiscal_year_start_month": "4"}, {"country": "DE", "fiscal_year_start_month": "13"}]
)
def test_the_fiscal_calendar_page_refuses_bad_input_and_changes_nothing(world, body):
    response = world.client(world.alice).post("/fiscal-calendar/", body)
    assert response.status_code == 400
    assert "invalid-feedback" in text(response)
    assert calendar_of(world.tenant_a) == ("US", 1)


@pytest.mark.parametrize("who", ["bob", "pat"])
def test_only_vendor_admins_open_the_fiscal_calendar_and_cadence_pages(world, who):
    client = world.client(getattr(world, who))
    for url in ("/fiscal-calendar/", "/cadences/", "/cadences/new/"):
        assert client.get(url).status_code == 403
    assert client.post("/fiscal-calendar/", {"country": "GB", "fiscal_year_start_month": "4"}).status_code == 403
    assert calendar_of(world.tenant_a) == ("US", 1)


def test_the_navigation_links_the_calendar_for_vendor_admins_only(world):
    assert 'href="/fiscal-calendar/"' in text(world.client(world.alice).get("/"))
    assert 'href="/fiscal-calendar/"' not in text(world.client(world.bob).get("/"))


# --- the cadence pages ---------------------------------------------------------------------------------------


def cadences(tenant):
    with tenant_scope(tenant):
        return list(ReportingCadence.objects.values_list("partner_type", "frequency", "day_of_month", "weekday"))


def test_a_vendor_admin_creates_edits_and_deletes_a_cadence_on_the_pages(world):
    client = world.client(world.alice)
    form = {"report_kind": KIND, "partner_type": "distributor", "frequency": "monthly", "day_of_month": "10"}
    response = client.post("/cadences/new/", {**form, "weekday": "3"})  # the weekday of another frequency is ignored
    assert (response.status_code, response["Location"]) == (302, "/cadences/")
    assert cadences(world.tenant_a) == [("distributor", "monthly", 10, None)]
    listing = text(client.get("/cadences/"))
    assert "Monthly by day 10" in listing and "Every distributor" in listing
    with tenant_scope(world.tenant_a):
        cadence_id = ReportingCadence.objects.get().pk
    response = client.post(f"/cadences/{cadence_id}/", {**form, "frequency": "weekly", "weekday": "4"})
    assert response.status_code == 302
    assert cadences(world.tenant_a) == [("distributor", "weekly", None, 4)]
    assert client.get(f"/cadences/{cadence_id}/delete/").status_code == 200
    assert client.post(f"/cadences/{cadence_id}/delete/").status_code == 302
    assert cadences(world.tenant_a) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"partner_type": "", "frequency": "monthly", "day_of_month": "10"}, "not both or neither"),
        ({"partner_type": "reseller", "frequency": "monthly", "day_of_month": ""}, "needs its day_of_month"),
        ({"partner_type": "reseller", "frequency": "monthly", "day_of_month": "32"}, "less than or equal to 31"),
        ({"partner_type": "reseller", "frequency": "weekly", "weekday": "9"}, "Select a valid choice"),
        ({"partner_type": "reseller", "frequency": "hourly"}, "Select a valid choice"),
    ],
)
def test_the_cadence_page_shows_bad_input_and_saves_nothing(world, body, message):
    response = world.client(world.alice).post("/cadences/new/", {"report_kind": KIND, **body})
    assert response.status_code == 400
    assert message in text(response)
    assert cadences(world.tenant_a) == []


def test_a_duplicate_cadence_on_the_page_is_a_message_not_an_error_page(world):
    client = world.client(world.alice)
    form = {"report_kind": KIND, "partner_type": "reseller", "frequency": "weekly", "weekday": "4"}
    assert client.post("/cadences/new/", form).status_code == 302
    response = client.post("/cadences/new/", form)
    assert response.status_code == 400
    assert "has a cadence for" in text(response)


def test_another_partners_org_cannot_be_chosen_and_another_tenants_cadence_is_not_found(world):
    with tenant_scope(world.tenant_b):
        foreign = ReportingCadence.objects.create(
            partner_type="reseller", report_kind=KIND, frequency="weekly", weekday=1
        )
    client = world.client(world.alice)
    response = client.post(
        "/cadences/new/",
        {"report_kind": KIND, "partner_org": str(world.org_b.pk), "frequency": "weekly", "weekday": "1"},
    )
    assert response.status_code == 400
    assert cadences(world.tenant_a) == []
    assert client.get(f"/cadences/{foreign.pk}/").status_code == 404
    assert client.post(f"/cadences/{foreign.pk}/delete/").status_code == 404


# --- the API -----------------------------------------------------------------------------------------------


def api(client, method, path, body=None):
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(path, **kwargs)


def test_the_fiscal_calendar_api_reads_and_changes_the_calendar(world):
    client = world.client(world.alice)
    answer = api(client, "get", "/api/v1/tenant/fiscal-calendar/").json()
    assert (answer["country"], answer["fiscal_year_start_month"]) == ("US", 1)
    assert answer["current_quarter"]["label"].startswith("FY")
    changed = api(client, "patch", "/api/v1/tenant/fiscal-calendar/", {"fiscal_year_start_month": 4, "country": "DE"})
    assert changed.status_code == 200
    assert (changed.json()["country"], changed.json()["fiscal_year_start_month"]) == ("DE", 4)
    assert calendar_of(world.tenant_a) == ("DE", 4)
    periods = api(client, "get", "/api/v1/tenant/fiscal-calendar/periods/?date=2026-04-01").json()
    assert (periods["year"]["label"], periods["quarter"]["label"], periods["month"]["label"]) == (
        "FY2027",
        "FY2027 Q1",
        "FY2027 M01",
    )
    assert (periods["quarter"]["start"], periods["quarter"]["end"]) == ("2026-04-01", "2026-06-30")


@pytest.mark.parametrize(
    "body",
    [
        {"fiscal_year_start_month": 0},
        {"fiscal_year_start_month": "4"},
        {"fiscal_year_start_month": 4.5},
        {"country": "de"},
        {"country": "XX"},
        {"timezone": "UTC"},
    ],
)
def test_the_fiscal_calendar_api_refuses_a_body_outside_its_schema(world, body):
    response = api(world.client(world.alice), "patch", "/api/v1/tenant/fiscal-calendar/", body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert calendar_of(world.tenant_a) == ("US", 1)


@pytest.mark.parametrize("query", ["date=2026-13-01", "date=20260401", "date="])
def test_the_periods_api_refuses_a_bad_date(world, query):
    response = api(world.client(world.pat), "get", f"/api/v1/tenant/fiscal-calendar/periods/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_members_read_the_calendar_and_only_vendor_admins_change_it(world):
    for user in (world.bob, world.pat):
        client = world.client(user)
        assert api(client, "get", "/api/v1/tenant/fiscal-calendar/").status_code == 200
        refused = api(client, "patch", "/api/v1/tenant/fiscal-calendar/", {"fiscal_year_start_month": 4})
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert calendar_of(world.tenant_a) == ("US", 1)


def test_the_cadence_api_creates_changes_lists_and_deletes(world):
    client = world.client(world.alice)
    created = api(
        client,
        "post",
        "/api/v1/cadences/",
        {
            "report_kind": KIND,
            "partner_org": str(world.org1.pk),
            "frequency": "quarterly",
            "days_after_quarter_end": 20,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["partner_org"], body["partner_type"], body["days_after_quarter_end"]) == (str(world.org1.pk), "", 20)
    assert datetime.date.fromisoformat(body["next_due_date"])
    changed = api(client, "patch", f"/api/v1/cadences/{body['id']}/", {"frequency": "monthly", "day_of_month": 31})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["day_of_month"], changed.json()["days_after_quarter_end"]) == (31, None)
    listed = api(world.client(world.bob), "get", "/api/v1/cadences/?frequency=monthly").json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert api(client, "delete", f"/api/v1/cadences/{body['id']}/").status_code == 204
    assert cadences(world.tenant_a) == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"partner_type": "reseller", "frequency": "monthly", "day_of_month": 0}, 400, "invalid"),
        ({"partner_type": "reseller", "frequency": "monthly", "day_of_month": "10"}, 400, "invalid"),
        ({"partner_type": "reseller", "frequency": "weekly", "weekday": 7}, 400, "invalid"),
        ({"partner_type": "wholesaler", "frequency": "weekly", "weekday": 1}, 400, "invalid"),
        ({"partner_type": "reseller", "frequency": "weekly", "weekday": 1, "colour": "red"}, 400, "invalid"),
        ({"frequency": "weekly", "weekday": 1}, 422, "cadence_target"),
        ({"partner_type": "reseller", "frequency": "weekly"}, 422, "schedule_required"),
        (
            {"partner_type": "reseller", "frequency": "weekly", "weekday": 1, "day_of_month": 3},
            422,
            "field_not_for_frequency",
        ),
        (
            {"partner_org": "00000000-0000-4000-8000-000000000000", "frequency": "weekly", "weekday": 1},
            422,
            "unprocessable",
        ),
    ],
)
def test_the_cadence_api_answers_bad_input_in_the_error_shape(world, body, status, code):
    response = api(world.client(world.alice), "post", "/api/v1/cadences/", {"report_kind": KIND, **body})
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert cadences(world.tenant_a) == []


def test_another_tenants_partner_org_is_an_unknown_id_to_the_api(world):
    response = api(
        world.client(world.alice),
        "post",
        "/api/v1/cadences/",
        {"report_kind": KIND, "partner_org": str(world.org_b.pk), "frequency": "weekly", "weekday": 1},
    )
    assert (response.status_code, response.json()["code"]) == (422, "unprocessable")


def test_a_duplicate_cadence_is_409_and_only_vendor_admins_write(world):
    body = {"report_kind": KIND, "partner_type": "reseller", "frequency": "weekly", "weekday": 1}
    assert api(world.client(world.alice), "post", "/api/v1/cadences/", body).status_code == 201
    duplicate = api(world.client(world.alice), "post", "/api/v1/cadences/", body)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_cadence")
    refused = api(world.client(world.bob), "post", "/api/v1/cadences/", {**body, "partner_type": "var"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert api(world.client(world.pat), "get", "/api/v1/cadences/").status_code == 403
