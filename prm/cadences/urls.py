from django.urls import path

from prm.cadences import views

app_name = "cadences"
urlpatterns = [
    path("", views.cadence_list, name="cadence_list"),
    path("new/", views.cadence_create, name="cadence_create"),
    path("<uuid:cadence_id>/", views.cadence_edit, name="cadence_edit"),
    path("<uuid:cadence_id>/delete/", views.cadence_delete, name="cadence_delete"),
]
