"""The date box (prm.forms.IsoDateInput) in the browser: a text box for YYYY-MM-DD whatever the browser's language,
with a button beside it that opens the browser's calendar and writes the chosen day in the same form; a date
written another way is stopped by the box's pattern before the form is sent; the page stays accessible (axe)."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import DESKTOP, SIGN_INS, portal, problems_on, serve_axe  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_ledger_filters_date_box_takes_iso_dates_and_the_calendar_writes_one(portal, browser):  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="en-US")
    serve_axe(page, portal)
    sign_in(page, portal, SIGN_INS["vendor-admin"])
    page.goto(f"{portal}/ledger/")
    box = page.locator("input[name=date_from]")

    assert box.get_attribute("type") == "text"
    assert box.get_attribute("placeholder") == "YYYY-MM-DD"
    button = page.locator(".date-picker:has(input[name=date_from]) button")
    assert button.get_attribute("aria-label") == "Choose from a calendar"
    # what the browser's calendar does when a day is chosen: the hidden native input changes
    page.locator(".date-picker:has(input[name=date_from]) input[type=date]").evaluate(
        "picker => { picker.value = '2026-03-31'; picker.dispatchEvent(new Event('change')); }"
    )
    assert box.input_value() == "2026-03-31"

    box.fill("03/31/2026")
    assert box.evaluate("box => box.validity.patternMismatch")
    assert box.get_attribute("title") == "A date as YYYY-MM-DD, for example 2026-03-31"  # the browser shows it
    assert problems_on(page, "ledger with its date boxes") == []
    page.close()
