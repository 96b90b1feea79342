from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/export.csv", views.application_export, name="application_export"),
    path("applications/export.xlsx", views.application_export, {"file_format": "xlsx"}, name="application_export_xlsx"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<uuid:application_id>/approve/", views.application_approve_view, name="application_approve"),
    path("applications/<uuid:application_id>/decline/", views.application_decline_view, name="application_decline"),
]
urlpatterns += [
    path("tiers/", views.tier_list, name="tier_list"),
    path("tiers/new/", views.tier_edit, name="tier_create"),
    path("tiers/<uuid:tier_id>/edit/", views.tier_edit, name="tier_edit"),
    path("tiers/settings/", views.tier_settings, name="tier_settings"),
    path("tiers/evaluate/", views.tier_evaluate, name="tier_evaluate"),
    path("tiers/history/", views.tier_history, name="tier_history"),
    path("tiers/history/<uuid:partner_org_id>/", views.tier_history, name="partner_tier_history"),
    path("tiers/override/<uuid:partner_org_id>/", views.tier_override_view, name="tier_override"),
]
