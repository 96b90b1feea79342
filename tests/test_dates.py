"""One way of writing a date across the portal: every date field of every form is prm.forms.IsoDateField with the
shared IsoDateInput, a text box that shows and takes YYYY-MM-DD (as the tables and the API write dates) whatever
the browser's language, with a placeholder and a pattern saying so; any other writing is refused with a message
that says how to write it (docs/architecture.md, "The portal's look")."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from prm.forms import IsoDateField, IsoDateInput
from tests.conftest import host_of

PACKAGES = ["prm", "pos", "partners", "dealreg", "mdf", "incentives", "inventory", "analytics"]
ERROR = "Enter the date as YYYY-MM-DD, for example 2026-03-31."


def _project_forms():
    """Every form class of the project's modules (their forms and views modules imported first)."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            leaf = module.name.rsplit(".", 1)[-1]
            if "forms" in leaf or leaf == "views":
                importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PACKAGES:
                found.add(sub)
    return found


def _date_fields():
    return {
        f"{form.__module__}.{form.__name__}.{name}": field
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)
    }


def test_every_date_field_of_every_form_is_the_iso_date_field_with_the_shared_widget():
    fields = _date_fields()

    # the forms known to have dates are among those found, so that the search itself cannot miss them all
    for known in (
        "pos.forms.LineFilterForm.date_from",
        "prm.ledger.forms.PostingFilterForm.date_to",
        "prm.ledger.fx_forms.FxRateForm.valid_from",
        "prm.ledger.fx_forms.ConvertForm.on",
        "prm.catalog.forms.PriceForm.valid_from",
        "prm.audit.views.AuditFilterForm.date_from",
    ):
        assert known in fields, known
    for name, field in fields.items():
        assert isinstance(field, IsoDateField), name
        assert isinstance(field.widget, IsoDateInput), name


def test_the_widget_is_a_text_box_with_the_iso_placeholder_pattern_and_calendar_button_label():
    html = IsoDateInput().render("on", datetime.date(2026, 3, 31), attrs={"id": "id_on"})

    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2026-03-31"' in html
    assert 'placeholder="YYYY-MM-DD"' in html
    assert r'pattern="\d{4}-\d{2}-\d{2}"' in html
    assert 'data-date-picker="Choose from a calendar"' in html


def test_in_french_the_placeholder_says_aaaa_mm_jj_and_the_date_is_still_written_iso():
    with translation.override("fr"):
        html = IsoDateInput().render("on", datetime.date(2026, 3, 31))

    assert 'placeholder="AAAA-MM-JJ"' in html and 'value="2026-03-31"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_field_takes_yyyy_mm_dd_in_every_language(language):
    with translation.override(language):
        assert IsoDateField().clean(" 2026-03-31 ") == datetime.date(2026, 3, 31)


@pytest.mark.parametrize(
    "written", ["03/31/2026", "31/03/2026", "2026-3-31", "31.03.2026", "March 31 2026", "2026-02-30"]
)
def test_any_other_writing_of_a_date_is_refused_with_a_message_saying_how_to_write_it(written):
    with pytest.raises(ValidationError) as refused:
        IsoDateField().clean(written)

    assert refused.value.messages == [ERROR]


def test_a_page_shows_the_message_next_to_the_box_and_keeps_what_was_typed(world):
    client = world.client(world.alice)
    response = client.post(
        "/ledger/fx-rates/new/",
        {"base_currency": "EUR", "quote_currency": "USD", "rate": "1.1", "valid_from": "03/31/2026"},
        HTTP_HOST=host_of(world.tenant_a),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert ERROR in page
    assert 'value="03/31/2026"' in page
