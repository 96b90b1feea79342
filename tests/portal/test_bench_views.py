"""bench/pages.py's baselines are routed only when PRM_BENCH_VIEWS is set (prm/urls.py), and only for members."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

import prm.urls


@pytest.fixture
def bench_routes(settings):
    settings.PRM_BENCH_VIEWS = True
    clear_url_caches()
    importlib.reload(prm.urls)
    yield
    settings.PRM_BENCH_VIEWS = False
    clear_url_caches()
    importlib.reload(prm.urls)


def test_the_bench_views_are_not_routed_by_default():
    with pytest.raises(Resolver404):
        resolve("/bench/minimal/")


@pytest.mark.django_db
def test_the_bench_views_answer_members_only(world, bench_routes):
    assert world.client(None).get("/bench/minimal/").status_code == 302  # to the sign-in page
    assert world.client(world.pat).get("/bench/minimal/").content == b"ok"
    assert b"<nav" in world.client(world.pat).get("/bench/layout/").content
