"""What every benchmark shares: its first line says whether the database it measures is durable."""

import psycopg
from django.conf import settings
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


def as_owner(statement):
    """Run `statement` (VACUUM, ANALYZE: the table owner's rights) on a connection of the owner role, autocommit."""
    params = {**connection.get_connection_params(), "user": settings.DB_OWNER_USER}
    params["password"] = settings.DB_OWNER_PASSWORD
    with psycopg.connect(**params, autocommit=True) as owner:
        owner.execute(statement)
