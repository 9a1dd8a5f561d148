from django.urls import path

from homeward.core import views
from homeward.portal.views import home_view

app_name = "core"
urlpatterns = [
    # The public home page is the portal's (issue 12): alerts near the visitor, report, family search, DNA, Learn.
    path("", home_view, name="public-home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("healthz", views.health, name="health"),
]
