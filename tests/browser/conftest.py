"""Browser tests: a live portal served in a thread, driven by Playwright through Debian's Chromium
(/usr/bin/chromium, headless — never a downloaded browser)."""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root on the test machines
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]


@pytest.fixture
def live_server_url(committed_db):
    """The portal served on 127.0.0.1:<port>; tenants are reached as http://<slug>.localhost:<port>."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://{{host}}:{thread.port}"
    thread.terminate()


@pytest.fixture
def browser():
    """Started after the test's data fixtures (Django's ORM must not run inside Playwright's event loop)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
