"""The data-quality page's charts (pos/charts.py): sales-out by month per partner and per product family in the
reporting currency, and the accept rate by month — each equal to what the loaded lines and reports say, with a
table of the same figures, limited to the viewer's partners (a partner its own, limited staff their territories,
nothing from another tenant), in a fixed number of queries."""

import datetime
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models.functions import TruncMonth

from pos.charts import TOP_SERIES, accept_rate_chart, chart_months, sales_charts
from pos.models import PosImport, PosLine, PosSalesRollup
from prm.ledger.models import FxRate
from prm.money import format_money, quantize_money
from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit
from tests.factories import PartnerOrgFactory
from tests.pos.conftest import csv_file, membership, run_import

EUR_TO_USD = Decimal("1.25")
CENT = Decimal("0.0001")
QUALITY_PAGE_QUERIES = 22


def months_ago(count):
    month = datetime.date.today().replace(day=1)
    for _month in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def day_in(month, day=3):
    return month.replace(day=day).isoformat()


@pytest.fixture
def loaded(world, catalog, django_capture_on_commit_callbacks):
    """Alpha's (org1) report of this month's and two months ago's sales in USD and EUR with one rejected line, and
    Beta's (org2) of last month's, in EUR; AX-24 is "Switching", AX-48 "Routing"; EUR converts to USD at 1.25."""
    with tenant_scope(world.tenant_a):
        catalog["AX-48"].family = "Routing"
        catalog["AX-48"].save(update_fields=["family"])
        FxRate.objects.create(base_currency="EUR", quote_currency="USD", rate=EUR_TO_USD, valid_from=months_ago(13))
    now, before = day_in(months_ago(0), 1), day_in(months_ago(2))
    alpha = (
        f"A-1;{now};AX-24;3;120.50;USD;Initech GmbH;DE\n"
        f"A-2;{now};AX-48;1;990.00;EUR;Initech GmbH;DE\n"
        f"A-3;{before};AX-24;-1;120.50;USD;Globex Corp;US\n"
        f"A-4;{before};NOPE;1;10;USD;Hooli;US\n"
    )
    beta = f"B-1;{day_in(months_ago(1))};AX-48;5;900;EUR;Umbrella Ltd;GB\n"
    capture = django_capture_on_commit_callbacks
    run_import(world, csv_file(alpha), capture=capture)
    run_import(world, csv_file(beta, name="beta.csv"), user=world.otto, capture=capture)


def expected_sales(world, group):
    """{series name: [each chart month's sales in USD]} summed from the loaded lines, by `group` of a line."""
    sums = defaultdict(Decimal)
    with tenant_scope(world.tenant_a):
        lines = PosLine.objects.select_related("partner_org", "product").annotate(month=TruncMonth("invoice_date"))
        for line in lines:
            rate = 1 if line.currency == "USD" else EUR_TO_USD
            amount = (line.quantity * line.unit_price * rate).quantize(CENT, rounding=ROUND_HALF_UP)
            sums[group(line), line.month] += amount
        months = chart_months()
    names = sorted({name for name, _month in sums})
    return {name: [sums.get((name, month), Decimal(0)) for month in months] for name in names}


def as_json_numbers(expected):
    return {name: [float(quantize_money(value, "USD")) for value in values] for name, values in expected.items()}


def chart_json(page, chart_id):
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def series_of(page, chart_id):
    return {series["label"]: series["values"] for series in chart_json(page, chart_id)["series"]}


def table_of(page, chart_id):
    """The chart's table alternative: its header cells and rows, as text."""
    table = re.search(rf'data-testid="chart-table-{chart_id}">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows
    ]


def page_of(world, user):
    response = world.client(user).get("/pos/quality/")
    assert response.status_code == 200
    return response.content.decode()


def test_sell_out_by_partner_and_family_are_the_lines_in_the_reporting_currency_with_their_table(world, loaded):
    page = page_of(world, world.alice)
    by_partner = expected_sales(world, lambda line: line.partner_org.name)
    by_family = expected_sales(world, lambda line: line.product.family)

    assert series_of(page, "sales-by-partner") == as_json_numbers(by_partner)
    assert series_of(page, "sales-by-family") == as_json_numbers(by_family)
    data = chart_json(page, "sales-by-partner")
    assert (data["kind"], data["format"], data["currency"], data["stacked"]) == ("bar", "money", "USD", True)
    assert len(data["labels"]) == 12

    table = table_of(page, "sales-by-family")
    assert table[0] == ["Month", *(series["label"] for series in chart_json(page, "sales-by-family")["series"])]
    families = [series["label"] for series in chart_json(page, "sales-by-family")["series"]]
    assert [row[1:] for row in table[1:]] == [
        [format_money(by_family[family][index], "USD") for family in families] for index in range(12)
    ]
    assert [row[0] for row in table[1:]] == data["labels"]


def test_the_larger_partner_comes_first(world, loaded):
    page = page_of(world, world.alice)

    totals = {name: sum(values) for name, values in series_of(page, "sales-by-partner").items()}
    assert list(totals) == sorted(totals, key=totals.get, reverse=True)


def test_the_accept_rate_is_accepted_over_read_lines_of_the_reports_of_each_month(world, loaded):
    page = page_of(world, world.alice)
    with tenant_scope(world.tenant_a):
        imports = list(PosImport.objects.filter(status=PosImport.Status.COMPLETED))
    rate = sum(i.lines_accepted for i in imports) / sum(i.lines_read for i in imports)

    assert series_of(page, "accept-rate") == {"Accept rate": [None] * 11 + [round(rate, 4)]}
    assert chart_json(page, "accept-rate")["kind"] == "line"
    table = table_of(page, "accept-rate")
    assert table[-1][1] == f"{100 * rate:.1f}%".replace(".0%", "%")
    assert table[1][1] == "—"


def test_a_partner_sees_only_its_own_series(world, loaded):
    page = page_of(world, world.pat)
    alpha = expected_sales(world, lambda line: line.partner_org.name)["Alpha Resellers"]
    with tenant_scope(world.tenant_a):
        own = PosImport.objects.get(partner_org=world.org1)

    assert series_of(page, "sales-by-partner") == as_json_numbers({"Alpha Resellers": alpha})
    assert "Beta Distribution" not in page
    assert sum(sum(values) for values in series_of(page, "sales-by-family").values()) == pytest.approx(
        float(sum(alpha))
    )
    assert series_of(page, "accept-rate")["Accept rate"][-1] == round(own.lines_accepted / own.lines_read, 4)


def test_staff_limited_to_territories_see_only_their_partners(world, loaded):
    with tenant_scope(world.tenant_a):
        territory = Territory.objects.create(name="UK", code="UK")
        StaffTerritory.objects.create(territory=territory, membership=membership(world, world.bob))
        PartnerOrgTerritory.objects.create(territory=territory, partner_org=world.org2)
        TerritoryLimit.objects.create(membership=membership(world, world.bob))

    page = page_of(world, world.bob)

    assert list(series_of(page, "sales-by-partner")) == ["Beta Distribution"]
    assert "Alpha Resellers" not in page


def test_another_tenants_staff_see_nothing_of_these_sales(world, loaded):
    page = page_of(world, world.charlie)

    assert "application/json" not in page
    assert page.count("Nothing to show yet.") == 3


def test_partners_beyond_the_largest_are_one_series_in_a_fixed_number_of_queries(
    world, catalog, django_assert_num_queries
):
    """TOP_SERIES + 2 partners with sales in the current month: the largest TOP_SERIES each a series, the other two
    summed in "All others"."""
    month = months_ago(0)
    with tenant_scope(world.tenant_a):
        orgs = [PartnerOrgFactory(name=f"Partner {n}") for n in range(TOP_SERIES + 2)]
        for n, org in enumerate(orgs):
            PosSalesRollup.objects.create(
                partner_org=org,
                product=catalog["AX-24"],
                month=month,
                currency="USD",
                quantity=1,
                amount=Decimal(100 * (n + 1)),
                amount_reporting=Decimal(100 * (n + 1)),
                line_count=1,
                lines_without_rate=0,
            )
        viewer, months = membership(world, world.alice), chart_months()
        with django_assert_num_queries(1 + 4):  # whether the viewer is limited to territories, then two a chart
            chart = sales_charts(viewer, months)["sales_by_partner_chart"]
        with django_assert_num_queries(1):  # the viewer's territory limit is known by now
            accept_rate_chart(viewer, months)

    labels = [series.label for series in chart.series]
    assert labels == [org.name for org in orgs[::-1][:TOP_SERIES]] + ["All others"]
    assert chart.series[-1].remainder
    assert chart.series[-1].values[-1] == Decimal(100 + 200)


def test_the_page_costs_the_same_number_of_queries_for_more_partners(
    world, loaded, catalog, django_assert_max_num_queries
):
    client = world.client(world.alice)
    client.get("/pos/quality/")  # the session and the tenant's caches warm
    with django_assert_max_num_queries(QUALITY_PAGE_QUERIES):
        client.get("/pos/quality/")
    with tenant_scope(world.tenant_a):
        for n in range(TOP_SERIES + 2):
            PosSalesRollup.objects.create(
                partner_org=PartnerOrgFactory(name=f"Partner {n}"),
                product=catalog["AX-24"],
                month=months_ago(n),
                currency="USD",
                quantity=1,
                amount=Decimal(10),
                amount_reporting=Decimal(10),
                line_count=1,
                lines_without_rate=0,
            )
    with django_assert_max_num_queries(QUALITY_PAGE_QUERIES):
        assert client.get("/pos/quality/").status_code == 200
