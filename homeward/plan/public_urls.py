"""Public pages (no login) of the plan app, mounted at /plan/."""

from django.urls import URLPattern, URLResolver

app_name = "plan_public"
urlpatterns: list[URLPattern | URLResolver] = []
