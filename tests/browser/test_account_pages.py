"""allauth's account pages in the browser: the e-mail page asks before removing an address (allauth's own script
files, run under the portal's Content-Security-Policy; the browser fixture fails on any violation), and the
account pages pass axe."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import DESKTOP, SIGN_INS, portal, problems_on, serve_axe  # noqa: F401

pytestmark = pytest.mark.browser


def test_removing_an_e_mail_address_is_asked_first_and_the_account_pages_pass_axe(portal, browser):  # noqa: F811
    # No transitions (Bootstrap's under reduced motion): axe would otherwise catch the clicked button half-way
    # between its colours and its hover colours.
    page = browser.new_page(viewport=DESKTOP, reduced_motion="reduce")
    serve_axe(page, portal)
    sign_in(page, portal, SIGN_INS["partner-admin"])
    page.goto(f"{portal}/accounts/email/")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("button[name=action_remove]")

    assert asked == ["Do you really want to remove the selected e-mail address?"]
    assert page.url.endswith("/accounts/email/")
    page.mouse.move(0, 0)  # off the button: its resting colours are checked
    problems = problems_on(page, "/accounts/email/")
    for path in ("/accounts/2fa/", "/accounts/password/change/", "/accounts/reauthenticate/"):
        page.goto(f"{portal}{path}")
        problems += problems_on(page, path)
    page.close()
    assert problems == [], "\n".join(problems)
