"""POS's API, included from the composition root (`prm/urls.py`) under /api/v1/pos/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from pos.api import ColumnMappingViewSet, PosImportViewSet, PosLineViewSet, PosRejectsView, SalesSummaryView

router = SimpleRouter(trailing_slash=True)
router.register("imports", PosImportViewSet, basename="pos-import")
router.register("lines", PosLineViewSet, basename="pos-line")
router.register("mappings", ColumnMappingViewSet, basename="pos-mapping")

urlpatterns = [
    path("imports/<uuid:pk>/rejects.csv", PosRejectsView.as_view(), name="pos-import-rejects"),
    path("sales-summary/", SalesSummaryView.as_view(), name="pos-sales-summary"),
    *router.urls,
]
