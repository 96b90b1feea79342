from django.urls import path

from prm.files import views

app_name = "files"
urlpatterns = [path("<uuid:file_id>/", views.file_download, name="download")]
