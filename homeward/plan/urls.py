"""Staff pages of the plan app, mounted at /staff/plan/."""

from django.urls import URLPattern, URLResolver

app_name = "plan"
urlpatterns: list[URLPattern | URLResolver] = []
