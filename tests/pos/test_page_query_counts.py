"""The pages bench/pages.py drives cost a number of queries that does not grow with the data: more partners,
reports, lines, users and notifications add rows to read, never queries (no N+1 on any role's page mix)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.accounts.models import Role
from prm.notifications.services import notify
from prm.tenancy.context import tenant_scope
from tests.conftest import make_member
from tests.factories import PartnerOrgFactory
from tests.pos.conftest import csv_file, run_import

PAGES = {
    "alice": ["/", "/partner-orgs/", "/users/", "/pos/imports/", "/pos/lines/", "/pos/quality/", "/audit/"],
    "bob": ["/", "/partner-orgs/", "/pos/imports/", "/pos/lines/", "/pos/quality/"],
    "pat": ["/", "/pos/imports/", "/pos/lines/", "/pos/quality/", "/api/v1/pos/imports/", "/api/v1/pos/lines/"],
    "una": ["/", "/pos/lines/", "/catalog/products/"],
}


def lines(count, day):
    return "".join(f"INV-{day:%m%d}-{n};{day:%Y-%m-%d};AX-24;{n + 1};10.00;USD;Customer {n};DE\n" for n in range(count))


def query_counts(world):
    counts = {}
    for name, paths in PAGES.items():
        client = world.client(getattr(world, name))
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            counts[name, path] = len(queries)
    return counts


def grow(world, django_capture_on_commit_callbacks, step):
    """More of everything the pages list: partners managed by bob, users, reports with lines and rejects,
    notifications."""
    with tenant_scope(world.tenant_a):
        bob = world.bob.memberships.get()
        for n in range(3):
            org = PartnerOrgFactory(name=f"Grown {step}-{n}", channel_manager=bob)
            make_member(Role.PARTNER_ADMIN, org, email=f"grown{step}-{n}@example.test")
        notify(recipients=[world.pat, world.alice], title=f"Grown {step}", link="/", email=False)
    today = datetime.date.today()
    for month in range(2):
        day = today - datetime.timedelta(days=31 * month + step)
        body = lines(3 + step, day) + f"BAD-{step};not a date;AX-24;1;1.00;USD;X;DE\n"
        for user in (world.pat, world.otto):
            run_import(
                world,
                csv_file(body, name=f"r{step}-{month}.csv"),
                user=user,
                capture=django_capture_on_commit_callbacks,
            )


@pytest.mark.django_db
def test_every_page_of_the_bench_mix_costs_the_same_queries_with_more_data(
    world, catalog, django_capture_on_commit_callbacks
):
    grow(world, django_capture_on_commit_callbacks, step=1)
    before = query_counts(world)
    grow(world, django_capture_on_commit_callbacks, step=2)
    grow(world, django_capture_on_commit_callbacks, step=3)
    after = query_counts(world)
    grown = {page: (before[page], after[page]) for page in before if after[page] != before[page]}
    assert grown == {}, "queries that grow with the data (before, after): N+1"
