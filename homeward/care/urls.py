"""Staff pages of the care app, mounted at /staff/care/."""

from django.urls import URLPattern, URLResolver

app_name = "care"
urlpatterns: list[URLPattern | URLResolver] = []
