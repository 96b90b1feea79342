"""Browser tests: a live portal served in a thread (`live_server_url`, tests/conftest.py), driven by Playwright
through Debian's Chromium (/usr/bin/chromium, headless — never a downloaded browser)."""

import pytest
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
def browser():
    """Started after the test's data fixtures (Django's ORM must not run inside Playwright's event loop)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
