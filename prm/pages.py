"""Helpers shared by the portal's page views."""

from django.core.paginator import Paginator


def paginate(request, queryset, per_page=25):
    """The requested page of `queryset` and the query string to keep filters across pages."""
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{encoded}&" if encoded else ""}
