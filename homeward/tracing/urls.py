"""Staff pages of the tracing app, mounted at /staff/tracing/."""

from django.urls import URLPattern, URLResolver

app_name = "tracing"
urlpatterns: list[URLPattern | URLResolver] = []
