"""Staff pages of the analysis app, mounted at /staff/analysis/."""

from django.urls import URLPattern, URLResolver

app_name = "analysis"
urlpatterns: list[URLPattern | URLResolver] = []
