"""An application error reaches the log with its traceback, its tenant and its request id — on stdout, which
gunicorn writes to run/web.log in the demo (scripts/run_servers.sh) and docker-compose keeps as the container log."""

import io
import logging
import re
from pathlib import Path

import pytest
from django.urls import path

from prm.request_context import LogContextFilter
from prm.urls import handler500  # noqa: F401 - this module stands in for the portal URLconf
from prm.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("boom/", boom), *portal_urlpatterns]


@pytest.fixture
def log_output():
    """What the configured console handler (settings.LOGGING) writes, instead of stdout."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, LogContextFilter) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.urls("tests.test_request_context")
def test_an_error_in_a_view_is_logged_with_its_traceback_tenant_and_request_id(world, log_output):
    client = world.client(world.alice)
    client.raise_request_exception = False

    response = client.get("/boom/?token=s3cret-query", HTTP_X_REQUEST_ID="req-42.a:b")

    logged = log_output.getvalue()
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-42.a:b"
    assert "<code>req-42.a:b</code>" in response.content.decode()  # the 500 page names it
    assert "ERROR django.request tenant=acme request=req-42.a:b Internal Server Error: /boom/" in logged
    assert "Traceback (most recent call last):" in logged
    assert "RuntimeError: the view broke" in logged
    assert "s3cret-query" not in logged and client.cookies["sessionid"].value not in logged


def test_a_refused_request_is_logged_with_its_tenant_and_request_id(world, log_output):
    world.client(world.alice).get("/partner-orgs/?search=%00", HTTP_X_REQUEST_ID="req-400")

    assert "WARNING django.request tenant=acme request=req-400 Bad Request: /partner-orgs/" in log_output.getvalue()


@pytest.mark.parametrize("sent", ["", "x" * 65, "forged\r\nERROR fake line", "a b", "é"])
def test_a_request_id_that_is_missing_or_unsafe_is_replaced_by_a_new_one(world, sent):
    response = world.client(world.alice).get("/", HTTP_X_REQUEST_ID=sent)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_demo_web_server_writes_the_applications_output_to_its_log_file():
    script = (Path(__file__).parent.parent / "scripts" / "run_servers.sh").read_text()
    gunicorn = re.search(r"gunicorn prm\.wsgi:application(.*?)\n\s*\.venv/bin/celery", script, re.S).group(1)

    assert "--capture-output" in gunicorn  # stdout and stderr of the daemonised workers, else lost
    assert "--error-logfile run/web.log" in gunicorn
