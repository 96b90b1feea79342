"""Reads of the sales rollup are cached until a writer of the rollup commits (pos.rollup_cache): a load, a rebuild,
an FX recompute; a rolled-back change forgets nothing; a territory-limited staff member's reads are cached per the
partners in their scope (which changes without the rollup); another tenant never reads them."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from pos.models import PosSalesRollup
from pos.rollup_cache import cached_rollup_rows
from pos.selectors import visible_rollup
from pos.services.rollup import rollup_rebuild, rollup_recompute_fx
from prm.tenancy.context import tenant_scope
from prm.territories.models import TerritoryLimit
from tests.pos.conftest import csv_file, membership, run_import

MARCH = "INV-1;2026-03-02;AX-24;3;100.00;USD;Initech GmbH;DE\n"
MARCH_1 = datetime.date(2026, 3, 1)
APRIL = "INV-2;2026-04-02;AX-24;1;50.00;USD;Initech GmbH;DE\n"


@pytest.fixture
def loaded(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(MARCH), capture=django_capture_on_commit_callbacks)


def amounts(world, user):
    """The viewer's sales by month, through the cache."""
    viewer = membership(world, user)
    with tenant_scope(world.tenant_a):
        rows = visible_rollup(viewer).values("month").annotate(amount=Sum("amount")).order_by("month")
        return {row["month"]: row["amount"] for row in cached_rollup_rows(viewer, rows)}


def tamper(world):
    """A change the cache does not hear of (no writer of the rollup): March doubled."""
    with tenant_scope(world.tenant_a):
        march = PosSalesRollup.objects.filter(month=MARCH_1)
        march.update(amount=Decimal(600), amount_reporting=Decimal(600))


@pytest.mark.parametrize("user", ["pat", "alice"])  # a partner's own rows; a vendor admin's every row
def test_a_read_is_served_from_the_cache_until_a_load_commits(world, loaded, user, django_capture_on_commit_callbacks):
    assert amounts(world, getattr(world, user)) == {MARCH_1: Decimal(300)}
    tamper(world)
    assert amounts(world, getattr(world, user)) == {MARCH_1: Decimal(300)}  # the cached figure

    run_import(world, csv_file(APRIL, name="april.csv"), capture=django_capture_on_commit_callbacks)

    assert amounts(world, getattr(world, user)) == {MARCH_1: Decimal(600), datetime.date(2026, 4, 1): Decimal(50)}


def test_a_rebuild_and_an_fx_recompute_forget_the_cached_reads_once_committed(
    world, loaded, django_capture_on_commit_callbacks
):
    amounts(world, world.alice)
    tamper(world)
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        rollup_recompute_fx(currencies=["EUR"], valid_from=datetime.date(2026, 1, 1))
    assert amounts(world, world.alice) == {MARCH_1: Decimal(600)}

    tamper(world)  # nothing changes; then a rebuild puts the lines' figure back
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        rollup_rebuild()
    assert amounts(world, world.alice) == {MARCH_1: Decimal(300)}


def test_a_rolled_back_change_forgets_nothing(world, loaded, django_capture_on_commit_callbacks):
    amounts(world, world.alice)
    tamper(world)
    capture = django_capture_on_commit_callbacks(execute=True)
    with tenant_scope(world.tenant_a), capture as callbacks, transaction.atomic():
        rollup_rebuild()
        transaction.set_rollback(True)
    assert callbacks == []
    assert amounts(world, world.alice) == {MARCH_1: Decimal(300)}


def test_a_staff_member_limited_to_territories_reads_the_cache_until_their_scope_changes(world, loaded):
    with tenant_scope(world.tenant_a):
        TerritoryLimit.objects.create(membership=membership(world, world.bob))
    assert amounts(world, world.bob) == {}  # no partner in scope yet
    with tenant_scope(world.tenant_a):
        world.org1.channel_manager = membership(world, world.bob)  # Alpha joins bob's scope: its rows count at once
        world.org1.save()
    assert amounts(world, world.bob) == {MARCH_1: Decimal(300)}
    tamper(world)
    assert amounts(world, world.bob) == {MARCH_1: Decimal(300)}  # the same scope: the cached figure


def test_the_pages_show_the_cached_figures_and_another_tenant_none(world, loaded):
    quality = world.client(world.alice).get("/pos/quality/")
    assert [row["amount"] for row in quality.context["sales_by_month"]] == [Decimal(300)]
    tamper(world)
    quality = world.client(world.alice).get("/pos/quality/")
    assert [row["amount"] for row in quality.context["sales_by_month"]] == [Decimal(300)]
    other = world.client(world.charlie).get("/pos/quality/")
    assert list(other.context["sales_by_month"]) == []
