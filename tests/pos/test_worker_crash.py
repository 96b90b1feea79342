"""A worker killed with SIGKILL in the middle of an import loses and duplicates nothing: the worker started next
finds the job orphaned (running, its lock free) and sends it again at once — nobody waits for the beat job — and it
is loaded from the start, ending with the same counts and the same rows as an uninterrupted import of the same file.
Runs real Celery workers (separate processes) on a private queue. The recovery time is measured by
bench/pos_crash_recovery.py, not here."""

import datetime
import os
import signal
import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from pos.demo import COLUMNS, sales_rows, write_sales_csv
from pos.models import ColumnMapping, PosImport, PosLine, PosReject
from pos.services import imports
from pos.services.imports import header_signature, pos_import_create
from prm.accounts.models import Membership, Role
from prm.celery import app as celery_app
from prm.celery import solo_worker_command
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory, ProductFactory, TenantFactory

LINES = 600_000


@pytest.fixture
def worker_queue(committed_db):
    """Tasks go to a queue of this test's own, served by the workers it starts."""
    queue = f"crash-test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {"pos.tasks.run_pos_import": {"queue": queue}}
    yield queue
    celery_app.conf.task_routes = None
    celery_app.conf.task_always_eager = True


def start_worker(queue, tmp_path):
    env = {
        **os.environ,
        "PRM_DB_NAME": connections["default"].settings_dict["NAME"],
        "PRM_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRM_CELERY_EAGER": "0",
        "PRM_CELERY_QUEUE": queue,  # what the worker sends (its start-up re-send) comes back to it
    }
    log = open(tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        solo_worker_command(queue, loglevel="INFO"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def status_of(tenant, import_id):
    with tenant_scope(tenant):
        return PosImport.objects.get(pk=import_id).status


def outcome(tenant, import_id):
    with tenant_scope(tenant):
        job = PosImport.objects.get(pk=import_id)
        lines = set(
            PosLine.objects.filter(pos_import_id=import_id).values_list(
                "line_number",
                "invoice_number",
                "invoice_date",
                "product__sku",
                "quantity",
                "unit_price",
                "end_customer_name",
                "end_customer_country",
                "reseller_name",
            )
        )
        rejects = set(PosReject.objects.filter(pos_import_id=import_id).values_list("line_number", "reason_code"))
    return (job.lines_read, job.lines_accepted, job.lines_rejected, job.reject_reasons), lines, rejects


@pytest.mark.usefixtures("worker_queue")
def test_a_worker_killed_mid_import_loses_and_duplicates_nothing(worker_queue, tmp_path):
    tenant = TenantFactory()
    with tenant_scope(tenant):
        skus = [f"SKU-{n:04d}" for n in range(200)]
        for sku in skus:
            ProductFactory(sku=sku)
        killed_org, calm_org = PartnerOrgFactory(partner_type="distributor"), PartnerOrgFactory()
        uploader = make_member(Role.VENDOR_ADMIN)
        membership = Membership.objects.get(user=uploader)
        path = tmp_path / "sales.csv"
        with open(path, "w", newline="") as handle:
            write_sales_csv(
                handle,
                sales_rows(
                    lines=LINES,
                    skus=skus,
                    prices=dict.fromkeys(skus, 100),
                    start=datetime.date(2026, 1, 1),
                    days=90,
                    seed=7,
                ),
            )
        content = path.read_bytes()
        from pos.demo import HEADER

        for org in (killed_org, calm_org):
            ColumnMapping.objects.create(
                partner_org=org, name="std", header=HEADER, header_signature=header_signature(HEADER), columns=COLUMNS
            )

    worker = start_worker(worker_queue, tmp_path)
    try:
        with tenant_scope(tenant):
            killed = pos_import_create(
                actor_membership=membership, partner_org=killed_org, upload=SimpleUploadedFile("sales.csv", content)
            )
        wait_for(lambda: status_of(tenant, killed.pk) == "running", 60, "the worker to start the import")
        time.sleep(1.0)  # well inside the load: COPY and validation of 600,000 lines take several seconds
        stop(worker)
        assert status_of(tenant, killed.pk) == "running", "the import finished before the kill: make it bigger"
        with tenant_scope(tenant):
            assert not PosLine.objects.filter(pos_import_id=killed.pk).exists()

        # PostgreSQL lets go of the dead worker's lock once the statement its connection was running ends.
        wait_for(lambda: not imports._job_is_being_loaded(killed.pk), 120, "the dead worker's lock to be let go")
        worker = start_worker(worker_queue, tmp_path)  # its start-up check re-sends the orphaned job; no beat runs
        wait_for(lambda: status_of(tenant, killed.pk) == "completed", 180, "the re-sent import to complete")

        with tenant_scope(tenant):
            calm = pos_import_create(
                actor_membership=membership, partner_org=calm_org, upload=SimpleUploadedFile("sales.csv", content)
            )
        wait_for(lambda: status_of(tenant, calm.pk) == "completed", 180, "the uninterrupted import")
    finally:
        stop(worker)

    killed_counts, killed_lines, killed_rejects = outcome(tenant, killed.pk)
    calm_counts, calm_lines, calm_rejects = outcome(tenant, calm.pk)
    assert killed_counts == calm_counts
    assert killed_counts[0] == LINES and killed_counts[1] + killed_counts[2] == LINES
    assert killed_counts[2] > 0  # the file has bad and repeated lines
    assert killed_lines == calm_lines
    assert killed_rejects == calm_rejects
    with tenant_scope(tenant):
        assert PosLine.objects.filter(pos_import_id=killed.pk).count() == killed_counts[1]
        assert PosImport.objects.get(pk=killed.pk).attempts == 2
