from django.urls import path

from prm.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("branding/", views.branding, name="branding"),
    path("branding/logo/", views.logo, name="logo"),
    path("fiscal-calendar/", views.fiscal_calendar, name="fiscal_calendar"),
]
