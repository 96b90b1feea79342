"""The "lines loaded" announcement POS offers downstream modules (accruals, deal confirmation, stock
reconciliation), which POS never imports: they subscribe from their own `AppConfig.ready()`.

    # incentives/apps.py
    def ready(self):
        from incentives.tasks import accrue_pos_lines
        from pos.signals import subscribe_lines_loaded

        subscribe_lines_loaded(accrue_pos_lines)

    # incentives/tasks.py
    @shared_task(base=TenantTask)
    def accrue_pos_lines(*, tenant_id, partner_org_id, import_id, date_from, date_to):
        pos_lines_accrue(import_id=import_id)  # reads PosLine.objects.filter(pos_import_id=import_id)

After the transaction of a load that accepted lines commits (a file's or lines sent through the API), every
subscribed Celery task is queued with `.delay(tenant_id=, partner_org_id=, import_id=, date_from=, date_to=)`: ids
as text, the accepted lines' first and last invoice dates as ISO text. A rolled-back or failed load, and one that
accepted no line, announces nothing.

**Subscribers must be idempotent**: the same import may be announced twice (a worker that died after the commit,
a message redelivered by the broker), so a task keys what it writes on the import (a unique key, a ledger
posting's source and revision) and running it again changes nothing more. A subscriber reads the lines of the
import (`pos_import_id`) or, for work per period, the partner's lines between the dates.
"""

from django.db import transaction

_lines_loaded_tasks = []


def subscribe_lines_loaded(task):
    """Queue the Celery task `task` (a TenantTask taking the keywords above) after every committed load."""
    if task not in _lines_loaded_tasks:
        _lines_loaded_tasks.append(task)


def lines_loaded_subscribers():
    return tuple(_lines_loaded_tasks)


def announce_lines_loaded(*, pos_import, date_from, date_to):
    """Called by the service that completes a load, inside its transaction: the subscribers are queued once it
    commits (not at all if it rolls back), each on its own."""
    payload = {
        "tenant_id": str(pos_import.tenant_id),
        "partner_org_id": str(pos_import.partner_org_id),
        "import_id": str(pos_import.pk),
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
    }

    for task in _lines_loaded_tasks:
        # robust: a subscriber that cannot be queued (the broker is away) is logged and does not stop the others,
        # nor turn the committed load into an error.
        transaction.on_commit(lambda task=task: task.delay(**payload), robust=True)
