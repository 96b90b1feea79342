"""What every benchmark shares: its first line says whether the database it measures is durable."""

from django.db import connection


def print_durability():
    """Prints `db: fsync=<on|off> synchronous_commit=<on|off>` as read from the bench's own connection: figures
    are comparable only between runs with the same settings, and published figures are measured durable."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    print(f"db: fsync={fsync} synchronous_commit={synchronous_commit}", flush=True)
