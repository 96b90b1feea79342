"""URLs of every tenant's portal host. The tenant comes from the host (prm.tenancy.middleware)."""

from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from prm.portal import views as portal_views

handler500 = "prm.request_context.server_error"

urlpatterns = [
    path("", include("prm.portal.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("prm.accounts.urls")),
    path("catalog/", include("prm.catalog.urls")),
    path("territories/", include("prm.territories.urls")),
    path("cadences/", include("prm.cadences.urls")),
    path("ledger/", include("prm.ledger.urls")),
    path("pos/", include("pos.urls")),
    path("partners/", include("partners.urls")),
    path("audit/", include("prm.audit.urls")),
    path("notifications/", include("prm.notifications.urls")),
    path("files/", include("prm.files.urls")),
    # Each module's API, before the core's: prm.api.urls ends with the catch-all `api-not-found`.
    path("api/v1/pos/", include("pos.api_urls")),
    path("api/v1/partners/", include("partners.api_urls")),
    path("api/", include("prm.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

if settings.PRM_BENCH_VIEWS:  # bench/pages.py's baselines (a): the same middleware stack, next to no view
    urlpatterns += [
        path("bench/minimal/", portal_views.bench_minimal),
        path("bench/layout/", portal_views.bench_layout),
        path("bench/table/", portal_views.bench_table),
    ]
