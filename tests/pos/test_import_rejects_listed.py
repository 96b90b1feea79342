"""The result page of an import lists its rejected lines: the file's line number, the reason in words and the
values as the file holds them, a page at a time, with the download of them all."""

from django.utils.html import escape

from pos.services.imports import reject_reason_text
from pos.views import REJECTS_PER_PAGE
from tests.pos.conftest import csv_file, run_import

GOOD = "INV-1;2026-03-02;AX-24;3;120.50;USD;Initech GmbH;DE\n"
BAD = "INV-3;2026-03-06;NOPE;1;10;USD;Hooli;US\nINV-5;not a date;AX-24;1;10;USD;Hooli & Co;US\n"


def rows_of(response):
    return [(r.line_number, r.reason_code, r.raw_values) for r in response.context["page_obj"]]


def test_the_result_page_lists_each_rejected_line_with_its_reason_and_values(
    world, catalog, django_capture_on_commit_callbacks
):
    pos_import = run_import(world, csv_file(GOOD + BAD), capture=django_capture_on_commit_callbacks)

    response = world.client(world.pat).get(f"/pos/imports/{pos_import.pk}/")

    assert response.status_code == 200
    assert rows_of(response) == [
        (3, "unknown_sku", BAD.splitlines()[0].split(";")),
        (4, "invalid_date", BAD.splitlines()[1].split(";")),
    ]
    html = response.content.decode()
    table = html[html.index('data-testid="rejected-lines"') :]
    for name in ("Invoice No", "Part", "Country"):
        assert f"<th>{name}</th>" in table
    assert (
        f'<td>3</td><td>{escape(reject_reason_text("unknown_sku"))} <code class="small">unknown_sku</code></td>'
        in table
    )
    assert "<td>not a date</td>" in table
    assert "<td>Hooli &amp; Co</td>" in table  # imported text is escaped
    assert "Lines 1–2 of 2" in html
    assert f'href="/pos/imports/{pos_import.pk}/rejects.csv"' in html


def test_a_french_user_reads_the_reasons_in_french(world, catalog, in_french, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(GOOD + BAD), capture=django_capture_on_commit_callbacks)

    html = in_french(world.client(world.pat)).get(f"/pos/imports/{pos_import.pk}/").content.decode()

    table = html[html.index('data-testid="rejected-lines"') :]
    assert '<h2 class="h5 mt-4" id="rejected-lines">Lignes rejetées</h2>' in html
    assert "Lignes 1 à 2 sur 2" in html
    assert "<td>3</td><td>La référence n&#x27;est ni une référence du catalogue" in table


def test_many_rejected_lines_are_listed_a_page_at_a_time(world, catalog, django_capture_on_commit_callbacks):
    rejected = "".join(f"R-{n};2026-03-02;NOPE;1;10;USD;Hooli;US\n" for n in range(REJECTS_PER_PAGE + 5))
    pos_import = run_import(world, csv_file(GOOD + rejected), capture=django_capture_on_commit_callbacks)
    client = world.client(world.pat)

    first = client.get(f"/pos/imports/{pos_import.pk}/")
    second = client.get(f"/pos/imports/{pos_import.pk}/", {"page": 2})

    assert [n for n, _code, _values in rows_of(first)] == list(range(3, REJECTS_PER_PAGE + 3))
    assert [n for n, _code, _values in rows_of(second)] == list(range(REJECTS_PER_PAGE + 3, REJECTS_PER_PAGE + 8))
    assert f"Lines 1–{REJECTS_PER_PAGE} of {REJECTS_PER_PAGE + 5}" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_a_file_without_rejects_shows_no_rejected_lines_table(world, catalog, django_capture_on_commit_callbacks):
    pos_import = run_import(world, csv_file(GOOD), capture=django_capture_on_commit_callbacks)

    response = world.client(world.pat).get(f"/pos/imports/{pos_import.pk}/")

    assert "page_obj" not in response.context
    assert 'data-testid="rejected-lines"' not in response.content.decode()
