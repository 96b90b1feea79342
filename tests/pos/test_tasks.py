"""Background entry points of the POS module: the task is idempotent, and the beat job re-sends jobs whose
worker died, for every tenant."""

import threading
from datetime import timedelta

import psycopg
from django.db import connection
from django.utils import timezone

from pos.models import PosImport, PosLine
from pos.services import imports
from pos.services.imports import pos_import_create
from pos.tasks import requeue_stalled_pos_imports, run_pos_import
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, membership, run_import

BODY = "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"


def test_running_the_task_again_for_a_finished_import_changes_nothing(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(BODY), capture=django_capture_on_commit_callbacks)
    assert pos_import.status == PosImport.Status.COMPLETED

    run_pos_import.delay(tenant_id=str(world.tenant_a.pk), import_id=str(pos_import.pk))

    with tenant_scope(world.tenant_a):
        again = PosImport.objects.get(pk=pos_import.pk)
        assert (again.status, again.attempts, again.lines_accepted) == (PosImport.Status.COMPLETED, 1, 1)
        assert PosLine.objects.count() == 1


def test_the_beat_job_resends_an_import_whose_worker_died_and_it_is_loaded_once(
    world, catalog, django_capture_on_commit_callbacks
):
    run_import(
        world,
        csv_file("INV-0;2026-03-01;AX-48;1;9;USD;First;DE\n", name="first.csv"),
        capture=django_capture_on_commit_callbacks,
    )  # saves the template
    with tenant_scope(world.tenant_a):
        # A job a worker claimed and then died on: running, silent for an hour, nothing loaded.
        stalled = pos_import_create(actor_membership=membership(world, world.pat), upload=csv_file(BODY))
        PosImport.objects.filter(pk=stalled.pk).update(
            status=PosImport.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1), attempts=1
        )
        fresh = pos_import_create(
            actor_membership=membership(world, world.pat),
            upload=csv_file(BODY.replace("INV-1", "INV-2"), name="fresh.csv"),
        )

    requeue_stalled_pos_imports()

    with tenant_scope(world.tenant_a):
        stalled.refresh_from_db()
        fresh.refresh_from_db()
        assert (stalled.status, stalled.attempts, stalled.lines_accepted) == (PosImport.Status.COMPLETED, 2, 1)
        assert fresh.status == PosImport.Status.QUEUED  # not silent long enough: left to its worker
        assert PosLine.objects.filter(pos_import=stalled).count() == 1


def _another_workers_connection_holding_the_lock_of(pos_import):
    holder = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 42))", [imports._job_lock_name(pos_import.pk)])
    return holder


def test_the_beat_job_leaves_a_long_load_to_the_worker_holding_its_lock(
    world, catalog, django_capture_on_commit_callbacks
):
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):  # claimed an hour ago, still loading: its heartbeat is an hour old
        PosImport.objects.filter(pk=queued.pk).update(
            status=PosImport.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1), attempts=1
        )
    holder = _another_workers_connection_holding_the_lock_of(queued)
    try:
        with tenant_scope(world.tenant_a):
            while_loading = imports.pos_imports_requeue_stalled()
    finally:
        holder.close()
    with tenant_scope(world.tenant_a):
        once_let_go = imports.pos_imports_requeue_stalled()

    assert while_loading == []
    assert once_let_go == [str(queued.pk)]


def _queued_import(world, django_capture_on_commit_callbacks):
    run_import(world, csv_file(BODY, name="first.csv"), capture=django_capture_on_commit_callbacks)  # the template
    with tenant_scope(world.tenant_a):
        return pos_import_create(
            actor_membership=membership(world, world.pat), upload=csv_file(BODY.replace("INV-1", "INV-2"))
        )


def test_a_job_another_worker_is_loading_is_left_to_it(world, catalog, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(imports, "JOB_LOCK_WAIT", "300ms")
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    holder = _another_workers_connection_holding_the_lock_of(queued)
    try:
        with tenant_scope(world.tenant_a):
            assert imports.pos_import_run(import_id=queued.pk) is None
            queued.refresh_from_db()
            assert queued.status == PosImport.Status.RUNNING and queued.lines_read == 0
            assert not PosLine.objects.filter(pos_import=queued).exists()
    finally:
        holder.close()


def test_a_resent_job_waits_for_the_dead_workers_connection_to_let_go(
    world, catalog, django_capture_on_commit_callbacks
):
    """A killed worker's connection keeps the job's lock until PostgreSQL notices, after its running statement:
    the job sent again meanwhile waits for it instead of being dropped."""
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    holder = _another_workers_connection_holding_the_lock_of(queued)
    threading.Timer(0.5, holder.close).start()

    with tenant_scope(world.tenant_a):
        loaded = imports.pos_import_run(import_id=queued.pk)
        assert loaded is not None and loaded.status == PosImport.Status.COMPLETED
        assert PosLine.objects.filter(pos_import=queued).count() == 1


def test_a_running_import_whose_lock_is_free_is_resent_seconds_after_its_claim_and_the_page_says_so(
    world, catalog, django_capture_on_commit_callbacks
):
    """No waiting for a silence of minutes: the lock tells that the worker died (the beat job runs every 30 s,
    and a worker checks at start-up)."""
    orphaned = _queued_import(world, django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        just_claimed = pos_import_create(
            actor_membership=membership(world, world.pat), upload=csv_file(BODY.replace("INV-1", "INV-3"))
        )
        PosImport.objects.filter(pk=orphaned.pk).update(
            status=PosImport.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(seconds=15), attempts=1
        )
        # Claimed a moment ago: its worker is about to take the lock.
        PosImport.objects.filter(pk=just_claimed.pk).update(
            status=PosImport.Status.RUNNING, heartbeat_at=timezone.now(), attempts=1
        )

    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        resent = imports.pos_imports_requeue_stalled()

    assert resent == [str(orphaned.pk)]
    with tenant_scope(world.tenant_a):
        orphaned.refresh_from_db()
        assert (orphaned.status, orphaned.attempts, orphaned.lines_accepted) == (PosImport.Status.COMPLETED, 2, 1)
    page = world.client(world.pat).get(f"/pos/imports/{orphaned.pk}/").content.decode()
    resumed = orphaned.heartbeat_at.strftime("%Y-%m-%d %H:%M:%S")
    assert f"The worker loading this file stopped; the load was started again from the beginning at {resumed}" in page
    first_try = world.client(world.pat).get(f"/pos/imports/{just_claimed.pk}/").content.decode()
    assert "The worker loading this file stopped" not in first_try
