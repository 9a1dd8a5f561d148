"""Public pages (no login) of the portal app, mounted at /portal/."""

from django.urls import URLPattern, URLResolver

app_name = "portal_public"
urlpatterns: list[URLPattern | URLResolver] = []
