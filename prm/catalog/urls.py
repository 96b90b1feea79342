from django.urls import path

from prm.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/<uuid:product_id>/", views.product_detail, name="product_detail"),
    path("price-lists/", views.price_list_list, name="price_list_list"),
]
