"""Public pages (no login) of the tracing app, mounted at /tracing/."""

from django.urls import URLPattern, URLResolver

app_name = "tracing_public"
urlpatterns: list[URLPattern | URLResolver] = []
