"""bench/pages.py's baselines are routed only when PRM_BENCH_VIEWS is set (prm/urls.py), and only for members."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


@pytest.mark.parametrize("path", ["/bench/minimal/", "/bench/layout/", "/bench/table/"])
def test_the_bench_views_are_not_routed_by_default(path):
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.django_db
def test_the_bench_views_answer_members_only(world, bench_routes):
    assert world.client(None).get("/bench/minimal/").status_code == 302  # to the sign-in page
    assert world.client(world.pat).get("/bench/minimal/").content == b"ok"
    assert b"<nav" in world.client(world.pat).get("/bench/layout/").content


@pytest.mark.django_db
def test_the_list_template_bench_view_renders_its_page_from_memory(world, bench_routes, django_assert_num_queries):
    client = world.client(world.pat)
    client.get("/bench/minimal/")  # the session's first reads out of the way
    with django_assert_num_queries(len(_layout_queries(client))):  # the layout's own, nothing for the table
        page = client.get("/bench/table/").content.decode()
    assert page.count("Partner ") >= 25 and "<nav" in page


def _layout_queries(client):
    with CaptureQueriesContext(connection) as layout:
        client.get("/bench/layout/")
    return layout.captured_queries
