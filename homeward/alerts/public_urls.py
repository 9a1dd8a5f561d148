"""Public pages (no login) of the alerts app, mounted at /alerts/."""

from django.urls import URLPattern, URLResolver

app_name = "alerts_public"
urlpatterns: list[URLPattern | URLResolver] = []
