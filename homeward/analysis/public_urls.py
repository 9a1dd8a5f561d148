"""Public pages (no login) of the analysis app, mounted at /analysis/."""

from django.urls import URLPattern, URLResolver

app_name = "analysis_public"
urlpatterns: list[URLPattern | URLResolver] = []
