"""Staff pages of the dna app, mounted at /staff/dna/."""

from django.urls import URLPattern, URLResolver

app_name = "dna"
urlpatterns: list[URLPattern | URLResolver] = []
