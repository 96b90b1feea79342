from django.urls import path

from pos import views

app_name = "pos"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:import_id>/progress/", views.import_progress_partial, name="import_progress"),
    path("imports/<uuid:import_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<uuid:import_id>/delete/", views.import_delete, name="import_delete"),
    path("imports/<uuid:import_id>/rejects.csv", views.import_rejects, name="import_rejects"),
    path(
        "imports/<uuid:import_id>/rejects.xlsx",
        views.import_rejects,
        {"file_format": "xlsx"},
        name="import_rejects_xlsx",
    ),
    path("lines/", views.line_list, name="line_list"),
    path("lines/export.csv", views.line_export, name="line_export"),
    path("lines/export.xlsx", views.line_export, {"file_format": "xlsx"}, name="line_export_xlsx"),
    path("quality/", views.data_quality, name="data_quality"),
    path("part-numbers/", views.part_numbers, name="part_numbers"),
    path("mappings/", views.mapping_list, name="mapping_list"),
    path("mappings/<uuid:mapping_id>/rename/", views.mapping_rename, name="mapping_rename"),
    path("mappings/<uuid:mapping_id>/delete/", views.mapping_delete, name="mapping_delete"),
]
