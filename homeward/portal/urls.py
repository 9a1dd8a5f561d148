"""Staff pages of the portal app, mounted at /staff/portal/."""

from django.urls import URLPattern, URLResolver

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = []
