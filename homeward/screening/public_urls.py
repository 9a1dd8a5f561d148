"""Public pages (no login) of the screening app, mounted at /screening/."""

from django.urls import URLPattern, URLResolver

app_name = "screening_public"
urlpatterns: list[URLPattern | URLResolver] = []
