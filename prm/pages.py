"""Helpers shared by the portal's page views."""

from django.core.paginator import Paginator

PAGE_NUMBERS_AROUND = 2  # page numbers shown on each side of the current one; the first and last always


def paginate(request, queryset, per_page=25, count=None):
    """The requested page of `queryset`, the page numbers to offer (Paginator.ELLIPSIS for a gap) and the query
    string to keep filters across pages. `count`: the number of rows when the caller has it (no count query)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {
        "page_obj": page_obj,
        "page_numbers": list(
            paginator.get_elided_page_range(page_obj.number, on_each_side=PAGE_NUMBERS_AROUND, on_ends=1)
        ),
        "querystring_without_page": f"{encoded}&" if encoded else "",
    }


def sort_headings(request, sort, first_directions):
    """Per sortable column of a table sorted by `sort` (a key, "-" first for descending): the query string that
    sorts by it (on the sorted column, the other way round) and its aria-sort state, for `_sort_heading.html`.
    `first_directions`: {key: "-" or ""}, the direction a first click sorts in (dates and figures largest first)."""
    headings = {}
    for key, first_direction in first_directions.items():
        if sort.removeprefix("-") == key:
            descending = sort.startswith("-")
            next_sort, state = (key, "descending") if descending else (f"-{key}", "ascending")
        else:
            next_sort, state = f"{first_direction}{key}", "none"
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = next_sort
        headings[key] = {"query": params.urlencode(), "state": state}
    return headings
