"""Public pages (no login) of the tips app, mounted at /tips/."""

from django.urls import URLPattern, URLResolver

app_name = "tips_public"
urlpatterns: list[URLPattern | URLResolver] = []
