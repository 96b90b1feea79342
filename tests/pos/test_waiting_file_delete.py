"""A file waiting for a column mapping can be deleted by who may upload the partner's files (the partner for its own
organisation, vendor staff who act for partners, within their territories): on its page, confirmed there, and
through the API; audited, the stored file removed. A job in any other state stays."""

import pytest
from django.core.files.storage import default_storage

from pos.models import PosImport
from pos.services.imports import pos_import_create, pos_import_delete
from prm.accounts.models import Role
from prm.audit.models import AuditEvent
from prm.files.models import StoredFile
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.territories.models import TerritoryLimit
from tests.conftest import make_member
from tests.pos.conftest import csv_file, membership, run_import
from tests.pos.test_malformed_files import token_client

OTHER_HEADER = "Number;Date;Item;Units;Price;Cur;Buyer;Land\n"
LINE = "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"


def upload_waiting(world, user=None, partner_org=None, name="waiting.csv"):
    with tenant_scope(world.tenant_a):
        return pos_import_create(
            actor_membership=membership(world, user or world.pat),
            upload=csv_file(LINE, header=OTHER_HEADER, name=name),
            partner_org=partner_org,
        )


@pytest.fixture
def waiting(world, catalog):
    """pat's file of a layout without a template: it waits for a mapping."""
    pos_import = upload_waiting(world)
    assert pos_import.status == PosImport.Status.NEEDS_MAPPING
    return pos_import


def gone(world, pos_import):
    """The job, its stored file row and the stored bytes are all gone."""
    with tenant_scope(world.tenant_a):
        return (
            not PosImport.objects.filter(pk=pos_import.pk).exists()
            and not StoredFile.objects.filter(pk=pos_import.file_id).exists()
            and not default_storage.exists(pos_import.file.storage_path)
        )


def kept(world, pos_import):
    with tenant_scope(world.tenant_a):
        return PosImport.objects.filter(pk=pos_import.pk).exists() and default_storage.exists(
            pos_import.file.storage_path
        )


@pytest.fixture
def analyst(world):
    with tenant_scope(world.tenant_a):
        return make_member(Role.ANALYST, email="ann@acme.test")


# --- the service --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["pat", "una", "alice", "bob"])
def test_the_partners_members_and_vendor_staff_delete_a_waiting_file_audited(
    world, waiting, user, django_capture_on_commit_callbacks
):
    actor = getattr(world, user)
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        pos_import_delete(actor_membership=membership(world, actor), pos_import=waiting)

    assert gone(world, waiting)
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="pos_import.delete")
    assert (event.actor, event.object_id) == (actor, str(waiting.pk))
    assert event.before == {"file": "waiting.csv", "partner_org": str(world.org1.pk), "status": "needs_mapping"}


@pytest.mark.parametrize("user", ["otto", "analyst"])
def test_another_partner_and_an_analyst_may_not_delete_it(world, waiting, analyst, user):
    actor = analyst if user == "analyst" else getattr(world, user)
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_delete(actor_membership=membership(world, actor), pos_import=waiting)

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert kept(world, waiting)


def test_staff_limited_to_territories_may_not_delete_a_file_of_a_partner_outside_them(world, waiting):
    with tenant_scope(world.tenant_a):
        TerritoryLimit.objects.create(membership=membership(world, world.bob))
        with pytest.raises(DomainError) as refused:
            pos_import_delete(actor_membership=membership(world, world.bob), pos_import=waiting)

    assert refused.value.code == "forbidden"
    assert kept(world, waiting)


def test_a_loaded_file_is_not_deleted(world, catalog, django_capture_on_commit_callbacks):
    loaded = run_import(world, csv_file(LINE), capture=django_capture_on_commit_callbacks)

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        pos_import_delete(actor_membership=membership(world, world.pat), pos_import=loaded)

    assert (refused.value.code, refused.value.status) == ("not_waiting_for_mapping", 409)
    assert "Completed" in refused.value.message
    assert kept(world, loaded)


# --- the page -----------------------------------------------------------------------------------------------


def test_the_waiting_files_page_offers_delete_with_a_confirmation(world, waiting):
    html = world.client(world.pat).get(f"/pos/imports/{waiting.pk}/mapping/").content.decode()

    assert 'data-bs-toggle="modal" data-bs-target="#delete-import"' in html
    assert 'id="delete-import"' in html
    assert f'action="/pos/imports/{waiting.pk}/delete/"' in html
    assert "is deleted and nothing is loaded from it" in html


def test_an_analyst_sees_the_waiting_file_without_a_delete_button(world, waiting, analyst):
    response = world.client(analyst).get(f"/pos/imports/{waiting.pk}/")

    assert response.status_code == 200
    assert "/delete/" not in response.content.decode()


def test_deleting_on_the_page_goes_back_to_the_list_with_a_message(world, waiting, django_capture_on_commit_callbacks):
    client = world.client(world.pat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pos/imports/{waiting.pk}/delete/", follow=True)

    assert response.redirect_chain == [("/pos/imports/", 302)]
    assert "“waiting.csv” deleted; nothing was loaded from it." in response.content.decode()
    assert gone(world, waiting)


def test_the_page_refuses_a_loaded_file_with_a_message_and_keeps_it(world, catalog, django_capture_on_commit_callbacks):
    loaded = run_import(world, csv_file(LINE), capture=django_capture_on_commit_callbacks)

    response = world.client(world.pat).post(f"/pos/imports/{loaded.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/pos/imports/{loaded.pk}/", 302)]
    assert "Only a file waiting for a column mapping can be deleted" in response.content.decode()
    assert kept(world, loaded)


def test_the_page_answers_403_to_an_analyst_and_404_to_another_partner(world, waiting, analyst):
    assert world.client(analyst).post(f"/pos/imports/{waiting.pk}/delete/").status_code == 403
    assert world.client(world.otto).post(f"/pos/imports/{waiting.pk}/delete/").status_code == 404
    assert world.client(world.pat).get(f"/pos/imports/{waiting.pk}/delete/").status_code == 405
    assert kept(world, waiting)


# --- the API ------------------------------------------------------------------------------------------------


def test_the_api_deletes_a_waiting_file_with_204(world, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(world, world.pat).delete(f"/api/v1/pos/imports/{waiting.pk}/")

    assert response.status_code == 204
    assert gone(world, waiting)


def test_the_api_answers_409_for_a_job_in_another_state(world, catalog, django_capture_on_commit_callbacks):
    loaded = run_import(world, csv_file(LINE), capture=django_capture_on_commit_callbacks)

    response = token_client(world, world.pat).delete(f"/api/v1/pos/imports/{loaded.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_waiting_for_mapping"
    assert kept(world, loaded)


def test_the_api_answers_403_to_an_analyst_and_404_to_another_partner(world, waiting, analyst):
    assert token_client(world, analyst).delete(f"/api/v1/pos/imports/{waiting.pk}/").status_code == 403
    assert token_client(world, world.otto).delete(f"/api/v1/pos/imports/{waiting.pk}/").status_code == 404
    assert kept(world, waiting)


def test_the_same_file_can_be_uploaded_again_once_deleted(world, waiting):
    token_client(world, world.pat).delete(f"/api/v1/pos/imports/{waiting.pk}/")

    again = upload_waiting(world)

    assert again.status == PosImport.Status.NEEDS_MAPPING
