"""Every list's pagination (prm.pages.paginate, templates/_pagination.html): page numbers around the current one,
the first and the last always, an ellipsis for a gap, and the filters kept in each link."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from prm.pages import paginate

GAP = Paginator.ELLIPSIS


def page(number, rows=250, per_page=10, query=""):
    request = RequestFactory().get(f"/list/?page={number}{query}")
    return paginate(request, list(range(rows)), per_page=per_page)


def test_page_numbers_around_the_current_one_with_the_first_and_last():
    assert page(1)["page_numbers"] == [1, 2, 3, GAP, 25]
    assert page(12)["page_numbers"] == [1, GAP, 10, 11, 12, 13, 14, GAP, 25]
    assert page(25)["page_numbers"] == [1, GAP, 23, 24, 25]
    assert page(2, rows=60)["page_numbers"] == [1, 2, 3, 4, 5, 6]


def test_the_links_keep_the_filters_and_mark_the_current_page():
    html = render_to_string("_pagination.html", page(12, query="&sort=-value"))

    assert '<li class="page-item active" aria-current="page"><span class="page-link">12</span></li>' in html
    assert 'href="?sort=-value&amp;page=25" aria-label="Page 25">25</a>' in html
    assert 'href="?sort=-value&amp;page=11" rel="prev">Previous</a>' in html
    assert html.count(f'<span class="page-link">{GAP}</span>') == 2


def test_a_known_count_takes_no_count_of_its_own():
    request = RequestFactory().get("/list/?page=2")

    context = paginate(request, [object()] * 5, per_page=2, count=30)

    assert context["page_obj"].paginator.num_pages == 15
    assert context["page_numbers"] == [1, 2, 3, 4, GAP, 15]


def test_one_page_shows_no_pagination():
    assert render_to_string("_pagination.html", page(1, rows=5)).strip() == ""
