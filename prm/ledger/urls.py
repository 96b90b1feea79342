from django.urls import path

from prm.ledger import fx_views, views

app_name = "ledger"
urlpatterns = [
    path("", views.posting_list, name="posting_list"),
    path("earnings/", views.earnings, name="earnings"),
    path("fx-rates/", fx_views.fx_rate_list, name="fx_rate_list"),
    path("fx-rates/new/", fx_views.fx_rate_create, name="fx_rate_create"),
    path("fx-rates/import/", fx_views.fx_rates_import, name="fx_rates_import"),
]
