"""Staff pages of the alerts app, mounted at /staff/alerts/."""

from django.urls import URLPattern, URLResolver

app_name = "alerts"
urlpatterns: list[URLPattern | URLResolver] = []
