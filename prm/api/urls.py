from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from prm.accounts.api import InvitationViewSet, MembershipViewSet, MeView, PartnerOrgViewSet
from prm.api.errors import api_not_found
from prm.api.permissions import IsTenantMember
from prm.audit.api import AuditEventViewSet
from prm.cadences.api import CadenceViewSet
from prm.catalog.api import PriceListViewSet, ProductViewSet
from prm.ledger.api import BalanceViewSet, PostingViewSet, StatementView
from prm.ledger.fx_api import FxRateViewSet
from prm.tenancy.api import FiscalCalendarView, FiscalPeriodsView
from prm.territories.api import TerritoryLimitViewSet, TerritoryViewSet

router = SimpleRouter(trailing_slash=True)
router.register("partner-orgs", PartnerOrgViewSet, basename="partner-org")
router.register("users", MembershipViewSet, basename="user")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("products", ProductViewSet, basename="product")
router.register("price-lists", PriceListViewSet, basename="price-list")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("cadences", CadenceViewSet, basename="cadence")
router.register("fx-rates", FxRateViewSet, basename="fx-rate")
router.register("territories", TerritoryViewSet, basename="territory")
router.register("territory-limits", TerritoryLimitViewSet, basename="territory-limit")
router.register("ledger/postings", PostingViewSet, basename="ledger-posting")
router.register("ledger/balances", BalanceViewSet, basename="ledger-balance")

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/tenant/fiscal-calendar/", FiscalCalendarView.as_view(), name="api-fiscal-calendar"),
    path("v1/tenant/fiscal-calendar/periods/", FiscalPeriodsView.as_view(), name="api-fiscal-periods"),
    path("v1/ledger/statement/", StatementView.as_view(), name="ledger-statement"),
    # The schema and its docs page are for the portal's members only; the page runs no inline script (the
    # split view serves its init script as a file) and no inline style (templates/api/swagger_ui.html).
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsTenantMember]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", permission_classes=[IsTenantMember], template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
urlpatterns += [
    path("v1/", include(router.urls)),
    re_path(r"^.*$", api_not_found, name="api-not-found"),  # the JSON error shape for unknown API paths too
]
