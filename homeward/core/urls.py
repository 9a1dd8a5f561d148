from django.urls import path

from homeward.core import views

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("healthz", views.health, name="health"),
]
