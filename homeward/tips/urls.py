"""Staff pages of the tips app, mounted at /staff/tips/."""

from django.urls import URLPattern, URLResolver

app_name = "tips"
urlpatterns: list[URLPattern | URLResolver] = []
