"""A lines filter that is not valid (a date that is not one, an end before the start) lists no line: the page shows
the error and an empty table, never every line as if no filter were set."""

import pytest

from tests.pos.conftest import csv_file, run_import

LINES = "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\nINV-2;2026-03-05;AX-48;1;990.00;USD;Globex Corp;US\n"


@pytest.fixture
def loaded(world, catalog, django_capture_on_commit_callbacks):
    return run_import(world, csv_file(LINES), capture=django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "2026-13-45"}, "date_from", "Enter the date as YYYY-MM-DD, for example 2026-03-31."),
        ({"date_to": "yesterday"}, "date_to", "Enter the date as YYYY-MM-DD, for example 2026-03-31."),
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to", "The end date is before the start date."),
    ],
    ids=["bad_date_from", "bad_date_to", "reversed_dates"],
)
def test_an_invalid_date_filter_lists_no_line_and_says_why(world, loaded, query, field, message):
    response = world.client(world.alice).get("/pos/lines/", query)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert list(response.context["page_obj"]) == []
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block">{message}</div>' in html
    assert 'data-testid="no-lines">Correct the filters to see lines.<' in html
    assert "INV-1" not in html


def test_a_reversed_period_is_refused_on_the_export_too(world, loaded):
    response = world.client(world.alice).get(
        "/pos/lines/export.csv", {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    )

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_a_valid_period_and_no_filter_list_the_lines(world, loaded):
    client = world.client(world.alice)

    one_day = client.get("/pos/lines/", {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    everything = client.get("/pos/lines/")

    assert one_day.status_code == everything.status_code == 200
    assert [line.invoice_number for line in one_day.context["page_obj"]] == ["INV-1"]
    assert {line.invoice_number for line in everything.context["page_obj"]} == {"INV-1", "INV-2"}
