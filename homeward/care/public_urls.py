"""Public pages (no login) of the care app, mounted at /care/."""

from django.urls import URLPattern, URLResolver

app_name = "care_public"
urlpatterns: list[URLPattern | URLResolver] = []
