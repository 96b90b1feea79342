"""The lines table: sortable columns (a whitelist of keys, ties by id), each line's value, the totals of the whole
filtered set per currency, numbered pages, and a fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pos.conftest import csv_file, run_import

# Alpha's file: 3 lines in USD and EUR; Beta's: 1 line.
ALPHA = (
    "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
    "INV-2;2026-03-05;AX-48;1;990.00;USD;Globex Corp;US\n"
    "INV-3;2026-03-03;AX-24;-2;100.00;EUR;Acme SARL;FR\n"
)
BETA = "B-1;2026-03-04;AX-48;5;10.00;USD;Umbrella Ltd;GB\n"


@pytest.fixture
def loaded(world, catalog, django_capture_on_commit_callbacks):
    run_import(world, csv_file(ALPHA), capture=django_capture_on_commit_callbacks)
    run_import(world, csv_file(BETA, name="beta.csv"), user=world.otto, capture=django_capture_on_commit_callbacks)


def invoices(response):
    return [line.invoice_number for line in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["B-1", "INV-3", "INV-2", "INV-1"]),  # newest loaded first: Beta's file came last
        ("invoice_date", ["INV-1", "INV-3", "B-1", "INV-2"]),
        ("-invoice_date", ["INV-2", "B-1", "INV-3", "INV-1"]),
        ("quantity", ["INV-3", "INV-2", "INV-1", "B-1"]),
        ("-value", ["INV-2", "INV-1", "B-1", "INV-3"]),
        ("end_customer", ["INV-3", "INV-2", "INV-1", "B-1"]),
        ("-partner", ["B-1", "INV-3", "INV-2", "INV-1"]),  # Beta, then Alpha's lines by id descending
        ("sku", ["INV-1", "INV-3", "INV-2", "B-1"]),  # AX-24 (by id), then AX-48 (by id)
    ],
)
def test_lines_sort_by_a_column_ties_by_id(world, loaded, sort, expected):
    response = world.client(world.alice).get("/pos/lines/", {"sort": sort} if sort else {})

    assert response.status_code == 200
    assert invoices(response) == expected


def test_a_column_heading_sorts_by_it_and_then_the_other_way_round(world, loaded):
    client = world.client(world.alice)

    unsorted = client.get("/pos/lines/", {"country": "US"}).content.decode()
    by_value = client.get("/pos/lines/", {"country": "US", "sort": "-value", "page": "1"}).content.decode()

    assert '<th class="text-end" aria-sort="none"><a class="link-body-emphasis" href="?country=US&amp;sort=-value"' in (
        unsorted
    )
    assert 'aria-sort="descending"><a class="link-body-emphasis" href="?country=US&amp;sort=value"' in by_value
    assert '<input type="hidden" name="sort" value="-value"' in by_value  # the Filter button keeps the order


@pytest.mark.parametrize("sort", ["price", "-", "id", "value;drop"])
def test_an_unknown_sort_key_lists_nothing_and_says_which_keys_there_are(world, loaded, sort):
    response = world.client(world.alice).get("/pos/lines/", {"sort": sort})

    assert response.status_code == 400
    assert invoices(response) == []
    html = response.content.decode()
    assert (
        f"“{sort}” is not a column to sort by: use one of invoice_date, partner, sku, end_customer, quantity, value,"
        " with a leading “-” for descending."
    ) in response.context["form"].errors["sort"][0]
    assert 'data-testid="sort-error"' in html
    assert "INV-1" not in html


def test_each_line_shows_its_value_in_its_currency(world, loaded):
    html = world.client(world.pat).get("/pos/lines/", {"sort": "invoice_date"}).content.decode()

    assert '<td class="text-end">$120.50</td><td class="text-end">$361.50</td>' in html
    assert '<td class="text-end">€100.00</td><td class="text-end">-€200.00</td>' in html


def test_totals_cover_the_whole_filtered_set_per_currency(world, loaded, settings):
    client = world.client(world.alice)

    everything = client.get("/pos/lines/", {"page": "2"})
    alpha = client.get("/pos/lines/", {"partner_org": str(world.org1.pk)})

    assert everything.context["totals"] == {
        "lines": 4,
        "quantity": 7,
        "by_currency": [
            {"currency": "EUR", "lines": 1, "quantity": -2, "value": pytest.approx(-200)},
            {"currency": "USD", "lines": 3, "quantity": 9, "value": pytest.approx(1401.5)},
        ],
    }
    totals = alpha.content.decode().split('data-testid="line-totals">')[1].split("</p>")[0]
    money = '<span class="text-nowrap">-€200.00</span> · <span class="text-nowrap">$1,351.50</span>'
    assert totals == f"3 lines, 2 units · {money}"


def test_a_partner_sees_only_its_own_lines_and_totals(world, loaded):
    response = world.client(world.otto).get("/pos/lines/")

    assert invoices(response) == ["B-1"]
    assert response.context["totals"]["lines"] == 1


def test_the_totals_and_the_sort_error_in_french(world, loaded, in_french):
    client = in_french(world.client(world.pat))

    listed = client.get("/pos/lines/").content.decode()
    refused = client.get("/pos/lines/", {"sort": "x"}).content.decode()

    assert 'data-testid="line-totals">3 lignes, 2 unités · ' in listed
    assert "« x » n’est pas une colonne de tri : utilisez l’une de invoice_date, partner, sku" in refused


@pytest.fixture
def many_lines(world, catalog, django_capture_on_commit_callbacks):
    body = "".join(f"M-{n};2026-03-{n % 28 + 1:02d};AX-24;{n};1.00;USD;Initech GmbH;DE\n" for n in range(1, 121))
    run_import(world, csv_file(body, name="many.csv"), capture=django_capture_on_commit_callbacks)


# The tenant; the user and membership in a savepoint pair (the middleware's transaction, inside the test's); the
# view's savepoint pair around territory limits, totals, inbox count, partner choices and rows.
LINES_PAGE_QUERIES = 12


@pytest.mark.parametrize("user", ["alice", "pat"])
def test_a_lines_page_costs_a_fixed_number_of_queries(world, many_lines, user, django_assert_max_num_queries):
    client = world.client(getattr(world, user))
    client.get("/pos/lines/")  # the session's first request may do more (language, last seen)

    for query in ({}, {"page": "3", "sort": "-value"}, {"sku": "AX-24", "sort": "partner"}):
        with django_assert_max_num_queries(LINES_PAGE_QUERIES):
            response = client.get("/pos/lines/", query)
        assert response.status_code == 200
    assert response.context["totals"]["lines"] == 120
    assert list(response.context["page_numbers"]) == [1, 2, 3]


def test_the_export_follows_the_tables_order(world, loaded):
    response = world.client(world.alice).get("/pos/lines/export.csv", {"sort": "quantity"})

    rows = b"".join(response.streaming_content).decode().splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == ["INV-3", "INV-2", "INV-1", "B-1"]


def test_the_export_refuses_an_unknown_sort_key(world, loaded):
    response = world.client(world.alice).get("/pos/lines/export.csv", {"sort": "price"})

    assert response.status_code == 400
    assert "is not a column to sort by" in response.content.decode()


def test_the_partner_filter_takes_a_typed_name_and_refuses_an_unknown_one(world, loaded):
    client = world.client(world.alice)
    assert invoices(client.get("/pos/lines/", {"partner_org": "beta distribution"})) == ["B-1"]
    unknown = client.get("/pos/lines/", {"partner_org": "Nobody Ltd"})
    assert "No partner organisation is named “Nobody Ltd”." in unknown.content.decode()
    assert invoices(unknown) == []


def totals_and_sources(client, params):
    """The page's totals, and which tables its grouped queries summed (pos_posline or pos_possalesrollup)."""
    with CaptureQueriesContext(connection) as queries:
        totals = client.get("/pos/lines/", params).context["totals"]
    summed = {table for q in queries for table in SUMMED if "SUM(" in q["sql"] and f'FROM "{table}"' in q["sql"]}
    return totals, summed


SUMMED = ("pos_posline", "pos_possalesrollup")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sku": "ax-24"},
        {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        {"date_from": "2026-03-01"},
        {"date_to": "2026-02-28"},
    ],
)
def test_totals_of_whole_rollup_rows_come_from_the_rollup_and_match_the_lines(world, loaded, params):
    client = world.client(world.alice)
    totals, summed = totals_and_sources(client, params)
    with_country, _ = totals_and_sources(client, {**params, "country": ""})  # an empty filter changes nothing
    assert summed == {"pos_possalesrollup"}
    assert totals == with_country
    lines = list(client.get("/pos/lines/", params).context["page_obj"])
    assert totals["lines"] == len(lines) and totals["quantity"] == sum(line.quantity for line in lines)
    assert {t["currency"]: t["value"] for t in totals["by_currency"]} == {
        currency: sum(line.value for line in lines if line.currency == currency)
        for currency in {line.currency for line in lines}
    }


@pytest.mark.parametrize("params", [{"country": "DE"}, {"date_from": "2026-03-03"}, {"date_to": "2026-03-04"}])
def test_totals_the_rollup_cannot_answer_come_from_the_lines(world, loaded, params):
    totals, summed = totals_and_sources(world.client(world.alice), params)
    assert summed == {"pos_posline"}
    lines = list(world.client(world.alice).get("/pos/lines/", params).context["page_obj"])
    assert totals["lines"] == len(lines) > 0


def test_a_partners_totals_from_the_rollup_are_its_own(world, loaded):
    totals, summed = totals_and_sources(world.client(world.otto), {})
    assert summed == {"pos_possalesrollup"}
    assert totals["lines"] == 1 and totals["by_currency"][0]["value"] == 50
