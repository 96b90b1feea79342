"""The chart include (prm.charts, templates/_chart.html): a named canvas, the data static/js/charts.js draws, and a
table alternative with the same figures in the reader's language; series colours readable on the page."""

import datetime
import json
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from prm.charts import BAR, LINE, MONEY, PALETTE, PERCENT, REMAINDER_COLOUR, Chart, Series, month_label

MONTHS = [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]


def sales_chart():
    return Chart(
        chart_id="sales",
        title="Sell-out by month",
        kind=BAR,
        label_heading="Month",
        labels=[month_label(month) for month in MONTHS],
        series=[
            Series("Alpha", [Decimal("1234.5678"), Decimal(0)]),
            Series("Others", [Decimal("10"), None], remainder=True),
        ],
        value_format=MONEY,
        currency="EUR",
        stacked=True,
    )


def json_data(html, script_id):
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def table_cells(html):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)]


def test_the_include_renders_a_named_canvas_its_data_and_a_table_with_the_same_figures():
    chart = sales_chart()
    html = render_to_string("_chart.html", {"chart": chart})

    assert 'data-chart="sales-data"' in html
    assert '<canvas role="img" aria-label="Sell-out by month">' in html
    assert json_data(html, "sales-data") == {
        "kind": "bar",
        "format": "money",
        "currency": "EUR",
        "stacked": True,
        "labels": ["Jan 2026", "Feb 2026"],
        "series": [
            {"label": "Alpha", "colour": PALETTE[0], "values": [1234.57, 0.0]},
            {"label": "Others", "colour": REMAINDER_COLOUR, "values": [10.0, None]},
        ],
    }
    assert "Show as table" in html
    assert table_cells(html) == [
        "Month", "Alpha", "Others",
        "Jan 2026", "€1,234.57", "€10.00",
        "Feb 2026", "€0.00", "—",
    ]  # fmt: skip


def test_the_table_speaks_the_readers_language():
    with translation.override("fr"):
        chart = Chart(
            chart_id="rate",
            title="Taux",
            kind=LINE,
            label_heading="Mois",
            labels=[month_label(MONTHS[0])],
            series=[Series("Taux d'acceptation", [Decimal("0.875")])],
            value_format=PERCENT,
        )
        html = render_to_string("_chart.html", {"chart": chart})

    assert "Afficher sous forme de tableau" in html
    assert table_cells(html)[-2:] == ["janv. 2026", "87,5\xa0%"]
    assert json_data(html, "rate-data")["series"][0]["values"] == [0.875]


def test_a_chart_without_figures_says_so_instead_of_drawing_an_empty_canvas():
    chart = Chart("empty", "Sell-out", BAR, "Month", ["Jan 2026"], [Series("Alpha", [Decimal(0)])])
    html = render_to_string("_chart.html", {"chart": chart})

    assert "<canvas" not in html and "data-chart=" not in html and "application/json" not in html
    assert "Nothing to show yet." in html


def contrast_on_white(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def test_every_series_colour_stands_out_from_the_white_page():
    assert min(contrast_on_white(colour) for colour in (*PALETTE, REMAINDER_COLOUR)) >= 4.5
    assert len(set(PALETTE)) == len(PALETTE)


def test_more_series_than_colours_reuse_the_palette_in_order():
    series = [Series(f"S{n}", [1]) for n in range(len(PALETTE) + 1)]
    chart = Chart("many", "Many", LINE, "Month", ["Jan"], series)

    assert [s["colour"] for s in chart.data["series"]] == [*PALETTE, PALETTE[0]]
