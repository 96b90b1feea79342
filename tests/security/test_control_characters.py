"""Names are one line of text: a CR/LF in a portal, sender or organisation name ended as a BadHeaderError in
the mail worker. One validator (prm.validators) refuses control characters in every name-like field, on
pages, in the API and in services; a NUL in a page's query string answers 400 with a message, not 500."""

import html

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.accounts.models import ApiToken, PartnerOrg
from prm.accounts.services import user_get_or_create
from prm.catalog.models import PriceList, Product
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from prm.tenancy.services import tenant_create
from prm.validators import MESSAGE, no_control_characters

JSON = "application/json"
HEADER_INJECTION = "Acme\r\nBcc: everyone@example.test"
REFUSED = [
    "line\nbreak",
    "carriage\rreturn",
    "tab\there",
    "nul\x00byte",
    "escape\x1b[31m",
    "delete\x7f",
    "c1\x85next-line",
    "unicode\u2028line-separator",
    "paragraph\u2029separator",
    "right-to-left\u202eoverride",
    "isolate\u2066mark",
]
ACCEPTED = [
    "Société Générale",
    "東京パートナーズ",
    "O'Brien & Søn — EMEA",
    "family 👨\u200d👩\u200d👧",
    "فارسی\u200cها",
]
NAME_FIELDS = [
    ("tenancy", "Tenant", "name"),
    ("tenancy", "Tenant", "portal_name"),
    ("tenancy", "Tenant", "email_sender_name"),
    ("accounts", "User", "full_name"),
    ("accounts", "PartnerOrg", "name"),
    ("accounts", "ApiToken", "name"),
    ("catalog", "Product", "name"),
    ("catalog", "Product", "family"),
    ("catalog", "PriceList", "name"),
    ("pos", "ColumnMapping", "name"),
]


def page_shows_refusal(response):
    assert response.status_code == 400, response.status_code
    assert html.escape(str(MESSAGE)) in response.content.decode()
    return True


@pytest.mark.parametrize("value", REFUSED)
def test_the_validator_refuses_control_and_direction_characters(value):
    with pytest.raises(ValidationError) as refused:
        no_control_characters(value)
    assert refused.value.code == "control_characters"


@pytest.mark.parametrize("value", ACCEPTED)
def test_the_validator_accepts_names_in_any_script_with_joiners(value):
    no_control_characters(value)


@pytest.mark.parametrize(("app", "model", "field"), NAME_FIELDS)
def test_every_name_like_model_field_carries_the_validator(app, model, field):
    assert no_control_characters in apps.get_model(app, model)._meta.get_field(field).validators


@pytest.mark.parametrize("field", ["portal_name", "email_sender_name"])
def test_the_branding_page_refuses_a_line_break_in_a_name_and_changes_nothing(world, field):
    data = {
        "portal_name": "Acme",
        "primary_colour": "#123456",
        "accent_colour": "#abcdef",
        "email_sender_name": "Acme",
        "email_sender_address": "channel@acme.test",
        field: HEADER_INJECTION,
    }
    assert page_shows_refusal(world.client(world.alice).post("/branding/", data))
    assert "\n" not in getattr(Tenant.objects.get(pk=world.tenant_a.pk), field)


def test_the_partner_org_page_and_api_refuse_a_line_break_in_the_name(world):
    client = world.client(world.alice)
    page = client.post(
        "/partner-orgs/new/",
        {"name": HEADER_INJECTION, "partner_type": "reseller", "country": "FR", "status": "active"},
    )
    api = client.post(
        "/api/v1/partner-orgs/", {"name": HEADER_INJECTION, "partner_type": "reseller", "country": "FR"}, JSON
    )
    assert page_shows_refusal(page)
    assert api.status_code == 400
    assert api.json()["code"] in {"control_characters", "invalid"}
    with tenant_scope(world.tenant_a):
        assert not PartnerOrg.objects.filter(name__contains="Bcc").exists()


def test_renaming_a_partner_org_through_the_api_refuses_a_line_break(world):
    response = world.client(world.alice).patch(f"/api/v1/partner-orgs/{world.org1.pk}/", {"name": "A\nB"}, JSON)
    assert response.status_code == 400
    with tenant_scope(world.tenant_a):
        assert PartnerOrg.objects.get(pk=world.org1.pk).name == "Alpha Resellers"


def test_the_product_page_and_the_csv_import_refuse_a_control_character_in_a_name(world):
    client = world.client(world.alice)
    assert page_shows_refusal(client.post("/catalog/products/new/", {"sku": "AX-1", "name": "Core\x1bswitch"}))
    csv = b'sku,name,family\nAX-2,"Core\r\nswitch",Switching\n'
    response = client.post(
        "/catalog/products/import/", {"file": SimpleUploadedFile("p.csv", csv, content_type="text/csv")}
    )
    assert page_shows_refusal(response)
    with tenant_scope(world.tenant_a):
        assert not Product.objects.exists()


def test_the_price_list_api_refuses_a_line_break_in_the_name(world):
    response = world.client(world.alice).post("/api/v1/price-lists/", {"name": "EUR\nlist", "currency": "EUR"}, JSON)
    assert response.status_code == 400
    with tenant_scope(world.tenant_a):
        assert not PriceList.objects.exists()


def test_the_token_page_refuses_a_line_break_in_the_token_name(world):
    assert page_shows_refusal(world.client(world.alice).post("/tokens/", {"name": "CRM\r\nsync"}))
    with tenant_scope(world.tenant_a):
        assert not ApiToken.objects.exists()


def test_the_profile_page_refuses_a_line_break_in_the_full_name(world):
    assert page_shows_refusal(world.client(world.alice).post("/profile/", {"full_name": "Alice\nSmith"}))
    world.alice.refresh_from_db()
    assert "\n" not in world.alice.full_name


def test_services_that_create_rows_without_a_form_refuse_control_characters(world):
    with pytest.raises(DomainError) as refused:
        tenant_create(slug="evil", name=HEADER_INJECTION, admin_email="a@evil.test", admin_password="x" * 12)
    assert refused.value.code == "control_characters"
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        user_get_or_create(email="new@acme.test", full_name="New\rUser")
    assert refused.value.code == "control_characters"
    assert not Tenant.objects.filter(slug="evil").exists()


@pytest.mark.parametrize("query", ["search=%00", "status=active%00", "x%00y=1"])
def test_a_nul_in_a_pages_query_string_answers_400_with_a_message(world, query):
    response = world.client(world.alice).get(f"/partner-orgs/?{query}")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_in_an_api_query_string_answers_400_in_the_apis_error_shape(world):
    response = world.client(world.alice).get("/api/v1/partner-orgs/?search=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"


@pytest.mark.parametrize("path", ["/admin/?q=%00", "/accounts/login/?next=%00"])
def test_a_nul_in_a_query_string_on_the_platform_host_answers_400_too(db, path):
    from django.test import Client

    response = Client(HTTP_HOST=settings.PRM_PLATFORM_HOST).get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
