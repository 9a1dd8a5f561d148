"""Staff pages of the cases app, mounted at /staff/cases/."""

from django.urls import URLPattern, URLResolver

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = []
