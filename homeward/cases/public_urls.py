"""Public pages (no login) of the cases app, mounted at /cases/."""

from django.urls import URLPattern, URLResolver

app_name = "cases_public"
urlpatterns: list[URLPattern | URLResolver] = []
