"""Saved column templates through the API (/api/v1/pos/mappings/: list, map a waiting job, change, delete) and
the templates page (rename, delete): who may, what bad input answers, and that every change is audited."""

import pytest
from django.urls import reverse

from pos.models import ColumnMapping, PosImport
from pos.services.imports import pos_import_create
from pos.services.mappings import column_mapping_update
from prm.accounts.models import Role
from prm.audit.models import AuditEvent
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.pos.conftest import STANDARD_COLUMNS, csv_file, membership, run_import
from tests.pos.test_api import GOOD, api, assert_error

MAPPINGS = "/api/v1/pos/mappings/"
OTHER_HEADER = "Number;Date;Item;Units;Price;Cur;Buyer;Land\n"


@pytest.fixture
def template(world, catalog, django_capture_on_commit_callbacks):
    """org1's template for the standard header, made by mapping a first file."""
    run_import(world, csv_file(GOOD, name="first.csv"), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        return ColumnMapping.objects.get(partner_org=world.org1)


@pytest.fixture
def waiting_job(world, catalog):
    """A file of org1 in a layout it has no template for: waiting for a mapping."""
    with tenant_scope(world.tenant_a):
        return pos_import_create(
            actor_membership=membership(world, world.pat), upload=csv_file(GOOD, header=OTHER_HEADER)
        )


def queued_job(world):
    """Another org1 file with the template's header: queued (its worker has not run yet)."""
    with tenant_scope(world.tenant_a):
        job = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file(GOOD + "INV-9;2026-03-09;AX-24;1;1;USD;X;DE\n"),
        )
    assert job.status == PosImport.Status.QUEUED
    return job


def named_errors(body, prefix=""):
    """The dotted paths of the fields an error body names (`columns.colour` for a nested one)."""
    errors = body.get("errors", {})
    if not isinstance(errors, dict):
        return [prefix.rstrip(".")]
    return [path for name, value in errors.items() for path in named_errors({"errors": value}, f"{prefix}{name}.")]


def audit_actions(world, mapping_id):
    with tenant_scope(world.tenant_a):
        return list(
            AuditEvent.objects.filter(object_id=str(mapping_id)).order_by("created_at").values_list("action", flat=True)
        )


# --- API: who sees and who may map ----------------------------------------------------------------------------


def test_a_partner_lists_its_own_templates_and_vendor_staff_every_partners(world, template):
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    assert ids(api(world, world.pat).get(MAPPINGS)) == [str(template.pk)]
    assert ids(api(world, world.alice).get(MAPPINGS)) == [str(template.pk)]
    assert ids(api(world, world.otto).get(MAPPINGS)) == []
    assert api(world, world.otto).get(f"{MAPPINGS}{template.pk}/").status_code == 404
    assert ids(api(world, world.charlie).get(MAPPINGS)) == []


def test_an_api_client_maps_a_waiting_job_and_the_job_is_queued(world, waiting_job):
    body = {"pos_import": str(waiting_job.pk), "name": "ERP export", "columns": STANDARD_COLUMNS}
    response = api(world, world.pat).post(MAPPINGS, body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "ERP export"
    assert response.json()["header"] == OTHER_HEADER.strip().split(";")
    with tenant_scope(world.tenant_a):
        waiting_job.refresh_from_db()
    assert waiting_job.status == PosImport.Status.QUEUED
    assert str(waiting_job.mapping_id) == response.json()["id"]
    assert audit_actions(world, waiting_job.mapping_id) == ["pos_mapping.save"]


def test_vendor_staff_map_a_partners_waiting_job(world, waiting_job):
    body = {"pos_import": str(waiting_job.pk), "columns": STANDARD_COLUMNS}
    response = api(world, world.bob).post(MAPPINGS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == f"{world.org1.name} template"
    assert response.json()["partner_org"] == str(world.org1.pk)


def test_another_partner_org_cannot_map_or_change_a_partners_templates(world, template, waiting_job):
    client = api(world, world.otto)
    body = {"pos_import": str(waiting_job.pk), "columns": STANDARD_COLUMNS}
    assert_error(client.post(MAPPINGS, body, content_type="application/json"), 422, "unprocessable")
    assert client.patch(f"{MAPPINGS}{template.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
    assert client.delete(f"{MAPPINGS}{template.pk}/").status_code == 404
    with tenant_scope(world.tenant_a):
        assert ColumnMapping.objects.get(pk=template.pk).name == template.name
        # and the service refuses it even given the object
        with pytest.raises(DomainError) as refused:
            column_mapping_update(actor_membership=membership(world, world.otto), mapping=template, name="x")
    assert refused.value.code == "forbidden"


def test_a_vendor_role_that_may_not_send_partner_data_may_not_map(world, template, waiting_job):
    with tenant_scope(world.tenant_a):
        analyst = make_member(Role.ANALYST, email="ana@acme.test")
    client = api(world, analyst)
    assert client.get(MAPPINGS).status_code == 200
    body = {"pos_import": str(waiting_job.pk), "columns": STANDARD_COLUMNS}
    assert_error(client.post(MAPPINGS, body, content_type="application/json"), 403, "forbidden")
    assert_error(
        client.patch(f"{MAPPINGS}{template.pk}/", {"name": "x"}, content_type="application/json"), 403, "forbidden"
    )
    assert_error(client.delete(f"{MAPPINGS}{template.pk}/"), 403, "forbidden")


# --- API: bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"columns": {**STANDARD_COLUMNS, "colour": 1}}, 400, "invalid", "columns.colour"),
        ({"columns": {**STANDARD_COLUMNS, "sku": 99}}, 422, "invalid_column", None),
        ({"columns": {**STANDARD_COLUMNS, "sku": 0}}, 422, "column_mapped_twice", None),
        ({"columns": {"sku": 2}}, 422, "fields_unmapped", None),
        ({"columns": {"sku": "two"}}, 400, "invalid", "columns.sku"),
        ({"date_format": "someday"}, 400, "invalid", "date_format"),
        ({"default_currency": "EURO"}, 400, "invalid", "default_currency"),
        ({"default_currency": "eur"}, 400, "invalid", "default_currency"),
        ({"name": "   "}, 422, "invalid_name", None),
        ({"name": "x" * 101}, 400, "invalid", "name"),
        ({"name": "ERP\r\nBcc: victim@example.com"}, 400, "invalid", "name"),
    ],
)
def test_bad_input_answers_a_code_and_a_message_and_changes_nothing(world, template, change, status, code, field):
    response = api(world, world.pat).patch(f"{MAPPINGS}{template.pk}/", change, content_type="application/json")
    body = assert_error(response, status, code)
    assert named_errors(body) == ([field] if field else [])
    with tenant_scope(world.tenant_a):
        stored = ColumnMapping.objects.get(pk=template.pk)
    assert (stored.name, stored.columns, stored.default_currency) == (template.name, template.columns, "")
    assert audit_actions(world, template.pk) == ["pos_mapping.save"]


def test_a_job_not_waiting_for_a_mapping_is_not_mapped_again(world, template):
    job = queued_job(world)
    body = {"pos_import": str(job.pk), "columns": STANDARD_COLUMNS}
    response = api(world, world.pat).post(MAPPINGS, body, content_type="application/json")
    assert_error(response, 409, "not_waiting_for_mapping")


# --- API: change and delete -----------------------------------------------------------------------------------


def test_a_template_is_renamed_and_changed_with_its_before_and_after_audited(world, template):
    change = {"name": "  Northwind ERP ", "date_format": "DD.MM.YYYY", "default_currency": "EUR"}
    response = api(world, world.pat).patch(f"{MAPPINGS}{template.pk}/", change, content_type="application/json")

    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["date_format"]) == ("Northwind ERP", "DD.MM.YYYY")
    assert response.json()["default_currency"] == "EUR"
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="pos_mapping.update", object_id=str(template.pk))
    assert (event.before["name"], event.after["name"]) == (template.name, "Northwind ERP")
    assert event.actor == world.pat


def test_a_template_in_use_by_a_queued_job_keeps_its_layout_but_may_be_renamed(world, template):
    queued_job(world)
    client = api(world, world.pat)
    url = f"{MAPPINGS}{template.pk}/"
    assert_error(
        client.patch(url, {"date_format": "DD.MM.YYYY"}, content_type="application/json"), 409, "mapping_in_use"
    )
    assert_error(client.delete(url), 409, "mapping_in_use")
    assert client.patch(url, {"name": "Renamed"}, content_type="application/json").status_code == 200


def test_a_deleted_template_is_audited_and_the_next_file_of_its_layout_waits_for_a_mapping(world, template):
    response = api(world, world.una).delete(f"{MAPPINGS}{template.pk}/")

    assert response.status_code == 204
    with tenant_scope(world.tenant_a):
        assert not ColumnMapping.objects.filter(pk=template.pk).exists()
        event = AuditEvent.objects.get(action="pos_mapping.delete", object_id=str(template.pk))
        again = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file(GOOD + "INV-8;2026-03-08;AX-24;1;1;USD;X;DE\n"),
        )
    assert event.before["name"] == template.name and event.actor == world.una
    assert again.status == PosImport.Status.NEEDS_MAPPING


def test_the_schema_documents_the_mappings_endpoints(world):
    schema = world.client(world.alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert set(schema["paths"][MAPPINGS]) >= {"get", "post"}
    assert set(schema["paths"][MAPPINGS + "{id}/"]) >= {"get", "patch", "delete"}


# --- the templates page ---------------------------------------------------------------------------------------


def test_the_templates_page_lists_a_partners_templates_with_their_columns(world, template):
    page = world.client(world.pat).get(reverse("pos:mapping_list"))
    assert page.status_code == 200
    assert template.name in page.content.decode()
    assert "“Invoice No”" in page.content.decode()
    assert template.name not in world.client(world.otto).get(reverse("pos:mapping_list")).content.decode()


def test_a_partner_renames_and_deletes_a_template_on_the_page(world, template):
    client = world.client(world.pat)
    response = client.post(reverse("pos:mapping_rename", args=[template.pk]), {"name": "Monthly ERP"}, follow=True)
    assert "Template renamed “Monthly ERP”." in response.content.decode()
    response = client.post(reverse("pos:mapping_delete", args=[template.pk]), follow=True)
    assert "Template “Monthly ERP” deleted." in response.content.decode()
    assert audit_actions(world, template.pk) == ["pos_mapping.save", "pos_mapping.update", "pos_mapping.delete"]


def test_the_page_says_why_a_rename_is_refused(world, template):
    response = world.client(world.pat).post(
        reverse("pos:mapping_rename", args=[template.pk]), {"name": "  "}, follow=True
    )
    assert response.status_code == 200
    assert "A template&#x27;s name has 1 to 100 characters." in response.content.decode()


def test_on_the_page_another_partner_gets_404_and_a_read_only_role_403(world, template):
    rename = reverse("pos:mapping_rename", args=[template.pk])
    assert world.client(world.otto).post(rename, {"name": "x"}).status_code == 404
    with tenant_scope(world.tenant_a):
        analyst = make_member(Role.ANALYST, email="ana@acme.test")
    assert world.client(analyst).post(rename, {"name": "x"}).status_code == 403
    assert world.client(world.pat).get(rename).status_code == 405
