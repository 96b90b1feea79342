"""How soon a POS import whose worker was killed is loaded again — the recovery users wait for.

  set -a; . run/.env; set +a; .venv/bin/python bench/pos_crash_recovery.py [--lines 1000000] [--kill-after 3]

Needs the project-local PostgreSQL and Redis (make services). A throw-away tenant uploads a generated CSV; a real
Celery worker (solo pool) and a real beat (the registered schedule: the POS check every 30 s) serve a private
queue. `--kill-after` seconds into the load the worker is killed with SIGKILL (every process of it) and a new one
is started at once, as a supervisor would. Prints:
  (a) kill → PostgreSQL lets go of the dead worker's lock on the job (after the statement it was running),
  (b) new worker started → the job claimed again (by the worker's start-up check, or by the beat job when the
      lock was still held at start-up),
  (c) claimed again → completed, and (d) kill → completed,
  and checks that the job ends exact: every line read once, the accepted lines in the table once.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pos_import import (  # noqa: E402 - sets Django up
    BENCH_DIR,
    csv_file,
    new_distributor,
    print_durability,
    setup_tenant,
    upload_of,
    vacuum_lines_tables,
)
from pos.models import PosImport, PosLine, PosReject  # noqa: E402
from pos.services import imports  # noqa: E402
from pos.services.imports import pos_import_create  # noqa: E402
from prm.celery import app as celery_app  # noqa: E402
from prm.celery import solo_worker_command  # noqa: E402
from prm.tenancy.context import tenant_scope  # noqa: E402
from prm.tenancy.models import Tenant  # noqa: E402


def start(command, queue, log_name):
    env = {**os.environ, "PRM_CELERY_EAGER": "0", "PRM_CELERY_QUEUE": queue}
    log = open(BENCH_DIR / log_name, "a")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def kill(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


def job(tenant, import_id):
    with tenant_scope(tenant):
        return PosImport.objects.get(pk=import_id)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--kill-after", type=float, default=3.0)
    args = parser.parse_args()
    print_durability()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tenant, membership, skus = setup_tenant()
    org = new_distributor(tenant, membership, "Bench crash")
    path = csv_file(args.lines, skus, seed=11)
    queue = f"bench-crash-{uuid.uuid4().hex[:6]}"
    celery_app.conf.task_routes = {"pos.tasks.run_pos_import": {"queue": queue}}
    beat_command = [sys.executable, "-m", "celery", "-A", "prm", "beat", "--loglevel", "WARNING"]
    beat_command += ["--scheduler", "celery.beat:PersistentScheduler", "-s", str(BENCH_DIR / f"beat-{queue}")]
    beat = start(beat_command, queue, "crash-beat.log")
    worker = start(solo_worker_command(queue, loglevel="WARNING"), queue, "crash-worker.log")
    try:
        with tenant_scope(tenant):
            upload = upload_of(path)
            pos_import = pos_import_create(actor_membership=membership, partner_org=org, upload=upload)
            upload.close()
        wait_for(lambda: job(tenant, pos_import.pk).status == "running", 120, "the worker to start the import")
        time.sleep(args.kill_after)
        kill(worker)
        killed = time.perf_counter()
        if job(tenant, pos_import.pk).status != "running":
            raise SystemExit("the import ended before the kill: use more --lines or a smaller --kill-after")
        worker = start(solo_worker_command(queue, loglevel="WARNING"), queue, "crash-worker.log")
        worker_started = time.perf_counter()
        let_go = wait_for(lambda: not imports._job_is_being_loaded(pos_import.pk), 600, "the lock to be let go")
        claimed = wait_for(lambda: job(tenant, pos_import.pk).attempts >= 2, 600, "the job to be claimed again")
        done = wait_for(lambda: job(tenant, pos_import.pk).status == "completed", 1800, "the job to complete")
    finally:
        kill(worker)
        kill(beat)
    final = job(tenant, pos_import.pk)
    print(f"{args.lines:,} lines, worker killed {args.kill_after:.1f} s into the load, a new one started at once")
    print(f"(a) kill -> the dead worker's lock let go          {let_go - killed:8.2f} s")
    print(f"(b) new worker started -> the job claimed again     {claimed - worker_started:8.2f} s")
    print(f"(c) claimed again -> completed                      {done - claimed:8.2f} s")
    print(f"(d) kill -> completed                               {done - killed:8.2f} s")
    with tenant_scope(tenant):
        loaded = PosLine.objects.filter(pos_import_id=pos_import.pk).count()
        exact = final.lines_read == args.lines and loaded == final.lines_accepted
        print(
            f"    attempts {final.attempts}, read {final.lines_read:,}, accepted {final.lines_accepted:,}, "
            f"in the table {loaded:,}: {'exact' if exact else 'NOT EXACT'}"
        )
        PosLine.objects.all().delete()
        PosReject.objects.all().delete()
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.SUSPENDED)
    vacuum_lines_tables()


if __name__ == "__main__":
    main()
