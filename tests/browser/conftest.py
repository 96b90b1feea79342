"""Browser tests: a live portal served in a thread (`live_server_url`, tests/conftest.py), driven by Playwright
through Debian's Chromium (/usr/bin/chromium, headless — never a downloaded browser)."""

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

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


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


class WatchedBrowser:
    """Chromium whose pages record every Content-Security-Policy violation and script error: a page that the
    policy breaks (an inline script or style left behind) fails the test that opened it."""

    def __init__(self, chromium):
        self.chromium = chromium
        self.problems = []

    def new_page(self, **kwargs):
        page = self.chromium.new_page(**kwargs)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        return page

    def _on_console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"{message.location.get('url')}: {message.text}")


@pytest.fixture
def browser():
    """Started after the test's data fixtures (Django's ORM must not run inside Playwright's event loop)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        watched = WatchedBrowser(chromium)
        yield watched
        chromium.close()
    assert watched.problems == []
