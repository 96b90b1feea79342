"""Background entry points of the POS module: the task is idempotent, and the beat job re-sends jobs whose
worker died, for every tenant."""

import time
from datetime import timedelta

import psycopg
import pytest
from django.db import OperationalError, connection
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


def test_a_duplicate_delivery_while_another_worker_loads_leaves_the_job_alone_at_once(
    world, catalog, django_capture_on_commit_callbacks
):
    """No claim before the lock: no attempt counted, the claim's time kept, no wait, and no "worker stopped" banner
    for a job whose worker never stopped."""
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    claimed_at = timezone.now() - timedelta(minutes=5)
    with tenant_scope(world.tenant_a):  # claimed by the worker loading it
        PosImport.objects.filter(pk=queued.pk).update(
            status=PosImport.Status.RUNNING, heartbeat_at=claimed_at, attempts=1
        )
    holder = _another_workers_connection_holding_the_lock_of(queued)
    try:
        started = time.monotonic()
        with tenant_scope(world.tenant_a):
            assert imports.pos_import_run(import_id=queued.pk) is None
        assert time.monotonic() - started < 2
        with tenant_scope(world.tenant_a):
            queued.refresh_from_db()
            assert (queued.status, queued.attempts, queued.heartbeat_at) == (PosImport.Status.RUNNING, 1, claimed_at)
            assert not PosLine.objects.filter(pos_import=queued).exists()
        page = world.client(world.pat).get(f"/pos/imports/{queued.pk}/").content.decode()
        assert "The worker loading this file stopped" not in page
    finally:
        holder.close()


def test_a_running_import_whose_lock_is_free_is_resent_however_recent_its_claim_and_the_page_says_so(
    world, catalog, django_capture_on_commit_callbacks
):
    """No waiting for a silence: the worker takes the lock before its claim, so a running job with a free lock
    lost its worker (the beat job runs every 30 s, and a worker checks at start-up)."""
    orphaned = _queued_import(world, django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=orphaned.pk).update(
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


def test_a_first_load_shows_no_restart_banner(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(BODY), capture=django_capture_on_commit_callbacks)
    page = world.client(world.pat).get(f"/pos/imports/{pos_import.pk}/").content.decode()
    assert pos_import.attempts == 1 and "The worker loading this file stopped" not in page


def test_a_queued_backlog_is_sent_again_once_per_ten_minutes_not_on_every_check(
    world, catalog, django_capture_on_commit_callbacks, monkeypatch
):
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    sent = []
    monkeypatch.setattr(run_pos_import, "delay", lambda **kwargs: sent.append(kwargs["import_id"]))
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=11))
        first_check = imports.pos_imports_requeue_stalled()
        next_check = imports.pos_imports_requeue_stalled()  # 30 s later: still in the queue, not sent again
        PosImport.objects.filter(pk=queued.pk).update(sent_at=timezone.now() - timedelta(minutes=11))
        ten_minutes_later = imports.pos_imports_requeue_stalled()

    assert (first_check, next_check, ten_minutes_later) == ([str(queued.pk)], [], [str(queued.pk)])
    assert sent == [str(queued.pk)] * 2


def test_a_load_that_keeps_stopping_fails_after_max_attempts_and_the_page_says_so(
    world, catalog, django_capture_on_commit_callbacks, monkeypatch
):
    queued = _queued_import(world, django_capture_on_commit_callbacks)

    def transient_error(*_args):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(imports, "_load", transient_error)
    with tenant_scope(world.tenant_a):
        for _ in range(imports.MAX_ATTEMPTS):
            with pytest.raises(OperationalError):
                imports.pos_import_run(import_id=queued.pk)
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (PosImport.Status.RUNNING, imports.MAX_ATTEMPTS)

        assert imports.pos_imports_requeue_stalled() == [str(queued.pk)]  # sent once more: it fails, not loads

        queued.refresh_from_db()
        assert (queued.status, queued.error_code, queued.attempts) == ("failed", "too_many_attempts", 5)
        assert imports.pos_imports_requeue_stalled() == []
    page = world.client(world.pat).get(f"/pos/imports/{queued.pk}/").content.decode()
    assert "The load was started 5 times and never finished" in page


def test_a_job_whose_template_was_deleted_waits_for_a_mapping_instead_of_staying_running(
    world, catalog, django_capture_on_commit_callbacks
):
    queued = _queued_import(world, django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        PosImport.objects.filter(pk=queued.pk).update(mapping=None)

        assert imports.pos_import_run(import_id=queued.pk) is None

        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (PosImport.Status.NEEDS_MAPPING, 0)
        assert imports.pos_imports_requeue_stalled() == []
