"""Staff pages of the screening app, mounted at /staff/screening/."""

from django.urls import URLPattern, URLResolver

app_name = "screening"
urlpatterns: list[URLPattern | URLResolver] = []
