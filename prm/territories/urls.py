from django.urls import path

from prm.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_list, name="territory_list"),
    path("new/", views.territory_create, name="territory_create"),
    path("limits/", views.territory_limit_create, name="territory_limit_create"),
    path("limits/<uuid:limit_id>/delete/", views.territory_limit_delete, name="territory_limit_delete"),
    path("<uuid:territory_id>/", views.territory_detail, name="territory_detail"),
    path("<uuid:territory_id>/delete/", views.territory_delete, name="territory_delete"),
    path("<uuid:territory_id>/partner-orgs/", views.territory_partner_orgs, name="territory_partner_orgs"),
    path("<uuid:territory_id>/staff/", views.territory_staff, name="territory_staff"),
]
