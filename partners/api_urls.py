"""The partner program's API, included from the composition root (`prm/urls.py`) under /api/v1/partners/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from partners.api import (
    PartnerApplicationViewSet,
    TierChangeViewSet,
    TierOverrideView,
    TierStatusViewSet,
    TierViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("applications", PartnerApplicationViewSet, basename="partner-application")
router.register("tiers", TierViewSet, basename="partner-tier")
router.register("tier-changes", TierChangeViewSet, basename="partner-tier-change")
router.register("tier-status", TierStatusViewSet, basename="partner-tier-status")

urlpatterns = [
    path("tier-overrides/", TierOverrideView.as_view(), name="partner-tier-override"),
    *router.urls,
]
