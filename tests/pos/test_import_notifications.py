"""The uploader's notification about a job names the partner and the file, says how the job ended (loaded with its
counts, failed, waiting for a mapping again) and speaks the language the file was uploaded in."""

from django.utils import translation

from pos.models import ColumnMapping, PosImport
from pos.services.imports import pos_import_run
from prm.notifications.models import Notification
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, run_import

GOOD = "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
ONE_BAD = GOOD + "INV-2;2026-03-05;NOPE-1;1;990.00;USD;Globex Corp;US\n"


def notices_of(world, user):
    with tenant_scope(world.tenant_a):
        return list(Notification.objects.filter(recipient=user).order_by("created_at"))


def test_a_loaded_report_names_the_partner_the_file_and_the_counts(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(GOOD, name="march.csv"), capture=django_capture_on_commit_callbacks)

    [notice] = notices_of(world, world.pat)
    assert notice.title == "Sales report “march.csv” of Alpha Resellers loaded: 1 lines accepted, 0 rejected"
    assert notice.body == ""
    assert notice.link == f"/pos/imports/{pos_import.pk}/"


def test_rejected_lines_are_counted_and_the_body_says_what_to_do(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(ONE_BAD, name="april.csv"), capture=django_capture_on_commit_callbacks)

    [notice] = notices_of(world, world.pat)
    assert notice.title == "Sales report “april.csv” of Alpha Resellers loaded: 1 lines accepted, 1 rejected"
    assert notice.body == "Its page lists the rejected lines and why; correct them and send them again."


def test_staff_uploading_for_a_partner_are_told_which_partner(world, catalog, django_capture_on_commit_callbacks):
    run_import(
        world,
        csv_file(GOOD, name="beta.csv"),
        user=world.alice,
        partner_org=world.org2,
        capture=django_capture_on_commit_callbacks,
    )

    [notice] = notices_of(world, world.alice)
    assert notice.title.startswith("Sales report “beta.csv” of Beta Distribution loaded:")


def test_a_job_whose_template_was_deleted_tells_the_uploader_it_waits(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(GOOD, name="may.csv"), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        again = PosImport.objects.get(pk=pos_import.pk)
        PosImport.objects.filter(pk=again.pk).update(status=PosImport.Status.QUEUED, mapping=None)
        ColumnMapping.objects.all().delete()
        pos_import_run(import_id=again.pk)

    notice = notices_of(world, world.pat)[-1]
    assert notice.title == "Sales report “may.csv” of Alpha Resellers waits for a column mapping"
    assert notice.body == "Its column template was deleted before the file was loaded: map its columns on its page."


def test_long_names_are_cut_to_fit_the_title(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(GOOD, name=f"{'x' * 150}.csv"), capture=django_capture_on_commit_callbacks)

    [notice] = notices_of(world, world.pat)
    assert notice.title.startswith(f"Sales report “{'x' * 59}…” of Alpha Resellers loaded")


def test_the_notification_speaks_the_language_of_the_upload(world, catalog, django_capture_on_commit_callbacks):
    with translation.override("fr"):
        pos_import = run_import(world, csv_file(ONE_BAD, name="juin.csv"), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):  # loaded again later by a worker speaking English
        PosImport.objects.filter(pk=pos_import.pk).update(status=PosImport.Status.QUEUED, mapping=None)
        ColumnMapping.objects.all().delete()
        pos_import_run(import_id=pos_import.pk)

    loaded, waiting = notices_of(world, world.pat)
    assert pos_import.language == "fr"
    assert loaded.title == "Rapport de ventes « juin.csv » de Alpha Resellers chargé : 1 lignes acceptées, 1 rejetées"
    assert loaded.body == "Sa page liste les lignes rejetées et pourquoi ; corrigez-les et renvoyez-les."
    assert waiting.title == "Rapport de ventes « juin.csv » de Alpha Resellers attend la correspondance de ses colonnes"
