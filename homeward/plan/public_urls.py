"""Public pages (no login) of the plan app, mounted at /plan/: the plan's measures and who is responsible."""

from django.urls import path

from homeward.plan import public_views

app_name = "plan_public"
urlpatterns = [path("", public_views.measures_view, name="measures")]
